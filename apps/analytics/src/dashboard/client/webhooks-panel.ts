/** Webhook delivery success, from the analytics server's token-free summary of the webhooks app. */
import { getJson, type Range, type WebhooksSummary } from './api.js';
import { count, facts, h, percent } from './dom.js';
import { Panel } from './panel.js';

export class WebhooksPanel extends Panel {
  async refresh(_range: Range, signal: AbortSignal): Promise<void> {
    const s = await getJson<WebhooksSummary>('/v1/webhooks-summary', {}, signal);
    const { checkedAt: _checked, ...figures } = s;
    this.show(figures, () => {
      if (!s.available) return [h('p', { class: 'unavailable' }, `Unavailable: ${s.reason ?? 'no answer'}`)];
      return [
        facts([
          ['Success rate (24 h)', percent(s.successRate)],
          ['Attempts (24 h)', count(s.attemptsLast24h)],
          ['Endpoints', `${count(s.enabledEndpoints)} enabled of ${count(s.endpoints)}`],
          ['Endpoints with failures (24 h)', count(s.endpointsWithFailures)],
          [
            'Deliveries',
            `${count(s.deliveries?.delivered)} delivered, ${count(s.deliveries?.pending)} pending, ${count(s.deliveries?.failed)} failed`,
          ],
          ['Backlog', `${count(s.backlog?.due)} due now, ${count(s.backlog?.scheduled)} scheduled`],
        ]),
        s.truncated === true ? h('p', { class: 'hint' }, 'Figures of the first 1,000 endpoints.') : null,
      ];
    });
  }
}
