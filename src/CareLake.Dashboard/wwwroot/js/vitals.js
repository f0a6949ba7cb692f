import { start } from './app.js';

await start();
