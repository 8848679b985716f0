/**
 * The dashboard: one static page and one script, no build step and no third-party code (a strict CSP allows
 * only these). The page holds no data: the script fetches /ui/api/cluster with the bearer token the user gives
 * (kept in sessionStorage, or read once from the URL fragment, which browsers never send to the server).
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PiMCP cluster</title>
<link rel="stylesheet" href="/ui/app.css">
</head>
<body>
<header>
  <h1>PiMCP cluster</h1>
  <div id="summary" aria-live="polite"></div>
</header>
<section id="signin" hidden>
  <form id="token-form">
    <label for="token">Bearer token (for example the contents of .pimcp/dev-token)</label>
    <input id="token" name="token" type="password" autocomplete="off" required>
    <button type="submit">Show the cluster</button>
  </form>
  <p id="signin-error" role="alert"></p>
</section>
<main id="cluster" hidden>
  <section aria-labelledby="latency-title">
    <h2 id="latency-title">Call latency (recent calls, ms)</h2>
    <svg id="latency" role="img" aria-label="latency of recent calls" viewBox="0 0 800 200" preserveAspectRatio="none"></svg>
    <div id="legend"></div>
  </section>
  <section aria-labelledby="nodes-title">
    <h2 id="nodes-title">Nodes by region and tier</h2>
    <div id="regions"></div>
  </section>
</main>
<script src="/ui/app.js"></script>
</body>
</html>
`;

export const DASHBOARD_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
header { display: flex; align-items: baseline; gap: 2rem; padding: .8rem 1.5rem; background: #1d2330; color: #fff; }
h1 { font-size: 1.2rem; margin: 0; } h2 { font-size: 1rem; margin: 1rem 0 .5rem; }
main, #signin { padding: 0 1.5rem 1.5rem; }
.region { margin-bottom: 1rem; } .region > h3 { font-size: .95rem; margin: .5rem 0; }
.tier { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: .8rem; margin-bottom: .6rem; }
.node { background: #fff; border-radius: 6px; padding: .7rem .9rem; box-shadow: 0 1px 2px #0002; border-left: 5px solid #2e9e5b; }
.node.open, .node.isolated { border-left-color: #d64545; } .node.half-open { border-left-color: #e0a020; } .node.draining { opacity: .7; }
.node h4 { margin: 0 0 .3rem; font-size: 1rem; } .status { font-size: .8rem; font-weight: 600; }
.labels, .caps { font-size: .8rem; color: #4a5468; } .caps li.disabled { text-decoration: line-through; }
.load { height: 6px; background: #e4e7ee; border-radius: 3px; margin: .4rem 0; } .load > div { height: 100%; background: #3f7de0; border-radius: 3px; }
#latency { width: 100%; height: 200px; background: #fff; border-radius: 6px; box-shadow: 0 1px 2px #0002; }
#legend span { margin-right: 1rem; font-size: .8rem; } #legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: middle; }
#signin-error { color: #d64545; }
`;

export const DASHBOARD_JS = `'use strict';
(function () {
  const COLORS = ['#3f7de0', '#2e9e5b', '#d64545', '#e0a020', '#8e44ad', '#16a085', '#c0392b', '#7f8c8d'];
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    // Styles through the CSSOM: the CSP forbids style attributes.
    for (const [k, v] of Object.entries(attrs || {})) k === 'style' ? (node.style.cssText = v) : node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  };
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    sessionStorage.setItem('pimcp-token', fromFragment);
    history.replaceState(null, '', location.pathname);
  }
  let timer;

  function signIn(message) {
    clearTimeout(timer);
    $('cluster').hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = message || '';
  }

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem('pimcp-token', $('token').value.trim());
    $('token').value = '';
    refresh();
  });

  async function refresh() {
    const token = sessionStorage.getItem('pimcp-token');
    if (!token) return signIn();
    let response;
    try {
      response = await fetch('/ui/api/cluster', { headers: { authorization: 'Bearer ' + token } });
    } catch (error) {
      $('summary').textContent = 'gateway unreachable; retrying';
      timer = setTimeout(refresh, 3000);
      return;
    }
    if (response.status === 401 || response.status === 403) {
      sessionStorage.removeItem('pimcp-token');
      return signIn('The gateway refused this token (' + response.status + '). Give a valid one.');
    }
    if (!response.ok) {
      $('summary').textContent = 'the gateway answered ' + response.status + '; retrying';
      timer = setTimeout(refresh, 3000);
      return;
    }
    render(await response.json());
    timer = setTimeout(refresh, 2000);
  }

  function render(view) {
    $('signin').hidden = true;
    $('cluster').hidden = false;
    const healthy = view.nodes.filter((n) => n.circuit === 'closed' && !n.draining).length;
    const count = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');
    $('summary').textContent = count(view.nodes.length, 'node') + ' (' + healthy + ' healthy), ' + count(view.catalog.tools, 'tool') + ', catalog revision ' + view.catalog.revision;
    const regions = new Map();
    for (const node of view.nodes) {
      const region = node.region || '';
      if (!regions.has(region)) regions.set(region, new Map());
      const tiers = regions.get(region);
      const tier = node.tier || 'no tier';
      if (!tiers.has(tier)) tiers.set(tier, []);
      tiers.get(tier).push(node);
    }
    const container = $('regions');
    container.replaceChildren();
    for (const [region, tiers] of regions) {
      const section = el('section', { class: 'region', 'data-region': region }, el('h3', {}, region ? 'Region ' + region : 'No region set'));
      for (const [tier, nodes] of tiers) {
        section.append(el('h3', {}, 'Tier ' + tier), el('div', { class: 'tier', 'data-tier': tier }, ...nodes.map(card)));
      }
      container.append(section);
    }
    chart(view.recentCalls, view.nodes.map((n) => n.nodeId));
  }

  function card(node) {
    const status = node.draining ? 'draining' : node.circuit === 'closed' ? 'healthy' : 'circuit ' + node.circuit;
    const load = node.maxConcurrent ? Math.min(100, (100 * node.inFlight) / node.maxConcurrent) : 0;
    const labels = Object.entries(node.labels).filter(([k]) => k !== 'maxConcurrent').map(([k, v]) => k + '=' + v).join(' ');
    const latency = node.p50Ms === null ? 'no calls yet' : 'p50 ' + node.p50Ms.toFixed(1) + ' ms, p95 ' + node.p95Ms.toFixed(1) + ' ms over ' + node.calls + ' calls, ' + node.errors + ' failed';
    const bar = el('div', { class: 'load', title: node.inFlight + ' in flight' }, el('div', { style: 'width:' + load + '%' }));
    return el('article', { class: 'node ' + node.circuit + (node.draining ? ' draining' : ''), 'data-node': node.nodeId },
      el('h4', {}, node.nodeId),
      el('div', { class: 'status' }, status),
      el('div', { class: 'labels' }, labels),
      bar,
      el('div', { class: 'load-text' }, 'load ' + node.inFlight + (node.maxConcurrent ? ' / ' + node.maxConcurrent : '') + ' in flight'),
      el('div', { class: 'latency' }, latency),
      el('ul', { class: 'caps' }, ...node.capabilities.map((c) => el('li', { class: c.enabled ? '' : 'disabled' }, c.name + ' ' + c.version))));
  }

  function chart(calls, nodeIds) {
    const svg = $('latency');
    svg.replaceChildren();
    const legend = $('legend');
    legend.replaceChildren();
    if (calls.length === 0) return;
    const max = Math.max(1, ...calls.map((c) => c.ms));
    const t0 = calls[0].at;
    const span = Math.max(1, calls[calls.length - 1].at - t0);
    nodeIds.forEach((nodeId, i) => {
      const mine = calls.filter((c) => c.node === nodeId);
      if (mine.length === 0) return;
      const color = COLORS[i % COLORS.length];
      const points = mine.map((c) => ((c.at - t0) / span * 790 + 5).toFixed(1) + ',' + (195 - (c.ms / max) * 185).toFixed(1)).join(' ');
      const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
      line.setAttribute('points', points);
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', color);
      line.setAttribute('stroke-width', '2');
      line.setAttribute('data-node', nodeId);
      svg.append(line);
      legend.append(el('span', {}, el('i', { style: 'background:' + color }), nodeId + ' (' + mine.length + ')'));
    });
  }

  refresh();
})();
`;
