// Every page but Design (the first one), loaded as one chunk after the first render (renderer/src/App.tsx):
// one request and one evaluation instead of one per page and per shared piece (echarts, tables, dialogs).
export { DemoPage } from './demo/DemoPage';
export { ResultsPage } from './results/ResultsPage';
export { RunsPage } from './runs/RunsPage';
export { SettingsPage } from './SettingsPage';
