/** Text files bundled as strings (vite's `?raw`; scripts/build-cli.mjs does the same for esbuild). */
declare module '*?raw' {
  const text: string;
  export default text;
}
