import packageJson from '../package.json';

/** The app version, from package.json (inlined by the bundlers at build time). */
export const APP_VERSION: string = packageJson.version;
