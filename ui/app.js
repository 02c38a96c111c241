// The dashboard's entry module (docs/dashboard.md). Served at /ui/app.js; no build step.
