// electron-vite's configuration for src/main, src/preload and src/renderer. The desktop client issue (#3)
// fills it in; until then `npm start` runs only the verification server.
export {};
