/**
 * GraphiQL at GET /graphql for browsers, working offline: its scripts and styles are served
 * from node_modules by the gateway itself, never from a CDN. Preloaded with example queries.
 */
import path from 'node:path';
import express from 'express';
import { projectRoot } from '../lib/admin-units';

export const EXAMPLE_QUERIES: { title: string; query: string }[] = [
  {
    title: 'Districts of Hải Dương, June 2024',
    query: `# Every district of Hải Dương (province 30): residency and land figures and the
# indicators computed from them, as of the end of June 2024.
query DistrictsOfHaiDuong {
  province(code: "30") {
    name
    districts {
      code
      name
      stats(period: "2024-06") {
        residency { population chipIdCards eidLevel2 }
        land { parcels digitizedParcels parcelsDigitizedInPeriod }
        indicators { chipIdCoverage eidLevel2Coverage parcelDigitizationRate }
      }
    }
  }
}`,
  },
  {
    title: 'Monthly series for one province',
    query: `# eID level 2 coverage of Hải Dương, month by month through 2024.
query MonthlySeries {
  province(code: "30") {
    name
    series(from: "2024-01", to: "2024-12", every: MONTH) {
      period
      residency { population eidLevel2 eidLevel2Activated }
      indicators { eidLevel2Coverage }
    }
  }
}`,
  },
  {
    title: 'Search and the indicator catalogue',
    query: `# Find a unit by name without diacritics, then list the indicators.
query SearchAndCatalog {
  searchAreas(text: "chi linh") { code name kind level }
  indicatorCatalog { id name nameVi formula unit sourceDomains }
}`,
  },
];

const ASSETS: Record<string, string> = {
  'react.js': 'react/umd/react.production.min.js',
  'react-dom.js': 'react-dom/umd/react-dom.production.min.js',
  'graphiql.js': 'graphiql/graphiql.min.js',
  'graphiql.css': 'graphiql/graphiql.min.css',
};

export function graphiqlPage(endpoint: string, headers?: Record<string, string>): string {
  const tabs = JSON.stringify(EXAMPLE_QUERIES.map((q) => ({ query: q.query }))).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>Project 06 graph · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/react.js"></script>
<script src="/graphiql/react-dom.js"></script>
<script src="/graphiql/graphiql.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher, defaultTabs: ${tabs}, defaultEditorToolsVisibility: true, shouldPersistHeaders: true${headers ? `, headers: ${JSON.stringify(JSON.stringify(headers, null, 2)).replace(/</g, '\\u003c')}` : ''} }));
</script>
</body>
</html>`;
}

/**
 * Serves GraphiQL's assets under /graphiql and the page at GET `endpoint` for browsers;
 * `headers` prefill its Headers editor (a development token, so the examples run at once).
 */
export function mountGraphiql(app: express.Express, endpoint: string, headers?: () => Promise<Record<string, string>>): void {
  for (const [name, modulePath] of Object.entries(ASSETS)) {
    // Not require.resolve: the packages do not export their UMD files.
    const file = path.join(projectRoot(), 'node_modules', modulePath);
    app.get(`/graphiql/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1d' }));
  }
  app.get(endpoint, async (req, res, next) => {
    // Only a browser navigation gets the page; GET queries from clients fall through to the server.
    if (req.query.query || !req.accepts(['text/html', 'application/json']) || req.accepts(['text/html', 'application/json']) !== 'text/html') return next();
    res.type('html').send(graphiqlPage(endpoint, headers && (await headers())));
  });
}
