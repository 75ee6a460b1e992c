/** Consumer lag: every consumer group Kafka knows (or ANALYTICS_LAG_GROUPS chooses), largest lag first. */
import { getJson, type Lag, type Range } from './api.js';
import { count, h, table } from './dom.js';
import { Panel } from './panel.js';

export class LagPanel extends Panel {
  async refresh(_range: Range, signal: AbortSignal): Promise<void> {
    const body = await getJson<Lag>('/v1/lag', {}, signal);
    const groups = [...body.groups].sort((a, b) => b.lag - a.lag || a.group.localeCompare(b.group));
    this.show(groups, () =>
      groups.length === 0
        ? [h('p', {}, 'No consumer groups.')]
        : [
            table(
              'Lag per consumer group',
              [
                { label: 'Consumer group', cell: (g) => h('span', { class: 'wrap' }, g.group) },
                { label: 'State', cell: (g) => g.state },
                { label: 'Members', numeric: true, cell: (g) => count(g.members) },
                {
                  label: 'Lag',
                  numeric: true,
                  cell: (g) => h('span', { class: g.lag > 0 ? 'bad' : 'ok' }, count(g.lag)),
                },
                {
                  label: 'Topics (lag)',
                  cell: (g) =>
                    h(
                      'span',
                      { class: 'wrap' },
                      g.topics.map((t) => `${t.topic} (${count(t.lag)})`).join(', '),
                    ),
                },
              ],
              groups,
              'lag-table',
            ),
          ],
    );
  }
}
