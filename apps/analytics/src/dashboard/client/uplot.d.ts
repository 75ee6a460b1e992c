/**
 * The chart library as the page imports it: `./uplot.js` is uPlot's ES module, served by
 * dashboard.module.ts from node_modules; its types are the package's own.
 */
export { default } from 'uplot';
