/**
 * GraphiQL at GET /graphql for browsers, working offline: its scripts and styles are served
 * from node_modules by the gateway itself, never from a CDN. Preloaded with example queries.
 */
import path from 'node:path';
import express from 'express';
import { projectRoot } from '../lib/areas';

export const EXAMPLE_QUERIES: { title: string; query: string }[] = [
  {
    title: 'Communes of Hải Phòng, October 2026',
    query: `# Every commune of Hải Phòng (province 31 since 1 July 2025, with the former Hải Dương):
# residency and land figures and the indicators computed from them, as of the end of October 2026.
query CommunesOfHaiPhong {
  province(code: "31") {
    name
    communes {
      code
      name
      stats(period: "2026-10") {
        residency { population chipIdCards eidLevel2 estimated }
        land { parcels digitizedParcels parcelsDigitizedInPeriod }
        indicators { chipIdCoverage eidLevel2Coverage parcelDigitizationRate }
      }
    }
  }
}`,
  },
  {
    title: 'Monthly series across the reform',
    query: `# eID level 2 coverage of Hải Phòng (31), month by month from 2024: before 1 July 2025
# the figures of its territory (the former Hải Dương and Hải Phòng), re-aggregated.
query MonthlySeries {
  province(code: "31") {
    name
    series(from: "2024-01", to: "2026-10", every: MONTH) {
      period
      unitInForce
      residency { population eidLevel2 eidLevel2Activated }
      indicators { eidLevel2Coverage }
    }
  }
}`,
  },
  {
    title: 'Districts of Hải Dương, June 2024 (before the reform)',
    query: `# Every district of Hải Dương (province 30 of the three-tier structure, abolished on
# 1 July 2025), as of the end of June 2024.
query DistrictsOfHaiDuong {
  province(code: "30", structure: THREE_TIER) {
    name
    successors { area { code name } relation }
    districts {
      code
      name
      stats(period: "2024-06") {
        residency { population chipIdCards eidLevel2 }
        indicators { chipIdCoverage eidLevel2Coverage }
      }
    }
  }
}`,
  },
  {
    title: 'Search and the indicator catalogue',
    query: `# Find units of either structure by name without diacritics, then list the indicators.
query SearchAndCatalog {
  searchAreas(text: "hai phong") { id code name structure inForce }
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

/** A GraphiQL tab: an operation and its variables. */
export interface ExampleTab {
  query: string;
  variables?: Record<string, unknown>;
}

/** JSON that can sit inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The page. `headers` (a development token) fill the Headers editor of every tab, the examples'
 * and any new one. GraphiQL 3 keeps headers per tab, so a token in one tab used to be missing
 * from the next (a first-time user's second and third examples failed with UNAUTHENTICATED);
 * here the Headers editor is one for all tabs: what is typed or pasted there (a token of one's
 * own) is kept in the browser's storage and follows to every tab, and across reloads.
 */
export function graphiqlPage(endpoint: string, headers: Record<string, string> | undefined, examples: ExampleTab[]): string {
  const headerText = headers ? JSON.stringify(headers, null, 2) : undefined;
  const tabs = examples.map((e) => ({ query: e.query, variables: e.variables ? JSON.stringify(e.variables, null, 2) : undefined, headers: headerText }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>Project 06 graph · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; } .graphiql-footer:empty { display: none; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/react.js"></script>
<script src="/graphiql/react-dom.js"></script>
<script src="/graphiql/graphiql.js"></script>
<script>
  const SHARED_HEADERS = 'p06:graphiql:headers';
  // One Headers editor for all tabs: a user's own edit is kept, and shown in whichever tab opens.
  function SharedHeaders() {
    const { headerEditor, tabs, activeTabIndex } = GraphiQL.React.useEditorContext({ nonNull: true });
    const activeTab = tabs[activeTabIndex] && tabs[activeTabIndex].id;
    React.useEffect(() => {
      if (!headerEditor) return undefined;
      const keep = (editor, change) => { if (change.origin !== 'setValue') localStorage.setItem(SHARED_HEADERS, editor.getValue()); };
      headerEditor.on('change', keep);
      return () => headerEditor.off('change', keep);
    }, [headerEditor]);
    React.useEffect(() => {
      const shared = localStorage.getItem(SHARED_HEADERS);
      if (headerEditor && shared !== null && headerEditor.getValue() !== shared) headerEditor.setValue(shared);
    }, [headerEditor, activeTab]);
    return null;
  }
  const headers = ${scriptJson(headerText ?? null)};
  // GraphiQL finds the open tab among those it stored by its query, variables and headers,
  // reading the headers from a key it does not always keep: without them there, a reload added
  // a copy of the open tab. Its headers are the shared ones, or the development token.
  const openTabHeaders = localStorage.getItem(SHARED_HEADERS) ?? headers;
  if (openTabHeaders !== null && localStorage.getItem('graphiql:headers') === null) localStorage.setItem('graphiql:headers', openTabHeaders);
  const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher,
    defaultTabs: ${scriptJson(tabs)},
    defaultHeaders: headers,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: true,
  }, React.createElement(GraphiQL.Footer, null, React.createElement(SharedHeaders))));
</script>
</body>
</html>`;
}

/**
 * Serves GraphiQL's assets under /graphiql and the page at GET `endpoint`, to a browser only: a
 * request whose Accept header asks for HTML first, without GraphQL parameters in its URL. Any
 * other GET (a client's query, a persisted query's hash with `Accept: *\/*` as Apollo Client
 * sends it, a `?format=csv` link) is left to the graph. `examples` are its tabs; `headers`
 * prefill their Headers (a development token, so the examples run at once).
 */
export function mountGraphiql(app: express.Express, endpoint: string, headers: (() => Promise<Record<string, string>>) | undefined, examples: ExampleTab[]): void {
  for (const [name, modulePath] of Object.entries(ASSETS)) {
    // Not require.resolve: the packages do not export their UMD files.
    const file = path.join(projectRoot(), 'node_modules', modulePath);
    app.get(`/graphiql/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1d' }));
  }
  app.get(endpoint, async (req, res, next) => {
    if (!wantsGraphiql(req)) return next();
    // Headers are made per page: a development token is short-lived (JWT_MAX_LIFETIME).
    const page = graphiqlPage(endpoint, headers && (await headers()), examples);
    res.set({ vary: 'Accept', 'cache-control': 'no-cache' }).type('html').send(page);
  });
}

const GRAPHQL_PARAMS = ['query', 'extensions', 'operationName', 'variables', 'format'];

/** A browser's navigation: HTML asked for by name, and preferred to JSON; no GraphQL in the URL. */
export function wantsGraphiql(req: express.Request): boolean {
  if (GRAPHQL_PARAMS.some((p) => req.query[p] !== undefined)) return false;
  if (!/text\/html/i.test(req.get('accept') ?? '')) return false;
  return req.accepts(['text/html', 'application/json', 'application/graphql-response+json']) === 'text/html';
}
