// The fleet page: polls the gateway's JSON every 2 s and redraws. No framework, no build step.
'use strict';

const POLL_MS = 2000;
const KEY = 'npufleet.adminKey';

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function rate(v) { return v > 0 ? v.toFixed(1) + ' tok/s' : '–'; }
function bytes(n) { return n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MiB' : Math.round(n / 1024) + ' KiB'; }

async function get(path) {
  const key = localStorage.getItem(KEY);
  const r = await fetch(path, { headers: key ? { Authorization: 'Bearer ' + key } : {} });
  if (r.status === 401 || r.status === 403) {
    const err = new Error('an admin API key is needed');
    err.needsKey = true;
    throw err;
  }
  if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
  return r.json();
}

function board(b) {
  const caches = b.caches.length === 0 ? '–'
    : b.caches.map((c) => c.name + ' (' + c.hits + ' hits, ' + bytes(c.size_bytes) + ')').join(', ');
  const status = b.status === 'gone' ? 'gone' : b.state;
  return el('div', { class: 'board ' + status, 'data-board': b.worker_id, 'data-status': status },
    el('h3', {}, b.worker_id, ' ', el('span', { class: 'badge ' + status }, status)),
    el('dl', {},
      el('dt', {}, 'current job'), el('dd', {}, b.current_job || '–'),
      el('dt', {}, 'queue'), el('dd', {}, b.queue_depth + ' (load ' + b.load.toFixed(2) + ')'),
      el('dt', {}, 'prefill'), el('dd', {}, rate(b.prefill_tokens_per_second)),
      el('dt', {}, 'decode'), el('dd', {}, rate(b.decode_tokens_per_second)),
      el('dt', {}, 'capacity'), el('dd', {}, b.capacity),
      el('dt', {}, 'jobs done'), el('dd', {}, b.jobs_done),
      el('dt', {}, 'caches'), el('dd', { class: 'caches' }, caches),
      b.caches_being_built.length ? el('dt', {}, 'building') : null,
      b.caches_being_built.length ? el('dd', {}, b.caches_being_built.join(', ')) : null));
}

function model(m) {
  const r = m.recent || { jobs: 0 };
  return el('div', { class: 'card', 'data-model': m.model },
    el('h3', {}, m.model),
    el('div', { class: 'stats' },
      el('div', {}, el('b', { class: 'live-boards' }, m.live_boards), 'live boards'),
      el('div', {}, el('b', {}, r.jobs ? r.ttft_ms_p50 + ' ms' : '–'), 'recent TTFT p50'),
      el('div', {}, el('b', {}, r.jobs ? r.ttft_ms_p90 + ' ms' : '–'), 'TTFT p90'),
      el('div', {}, el('b', {}, r.jobs ? rate(r.decode_tokens_per_second_p50) : '–'), 'decode p50 (last ' + r.jobs + ' jobs)')),
    m.boards.length ? el('div', { class: 'boards' }, ...m.boards.map(board)) : el('p', { class: 'muted' }, 'no board'));
}

function caches(fleet) {
  const rows = [];
  for (const m of fleet.models) {
    const where = new Map();
    for (const b of m.boards) {
      for (const c of b.caches) {
        if (!where.has(c.name)) where.set(c.name, []);
        where.get(c.name).push(b.worker_id + ' (' + c.hits + ' hits)');
      }
    }
    for (const [name, boards] of where) {
      rows.push(el('tr', { 'data-cache': name }, el('td', {}, m.model), el('td', {}, name), el('td', {}, boards.join(', '))));
    }
  }
  if (rows.length === 0) return document.createTextNode('none');
  return el('table', {}, el('tr', {}, el('th', {}, 'model'), el('th', {}, 'cache'), el('th', {}, 'held by')), ...rows);
}

function batches(list) {
  const running = list.data.filter((b) => b.status === 'in_progress' || b.status === 'cancelling');
  if (running.length === 0) return document.createTextNode('none');
  return el('table', {}, el('tr', {}, el('th', {}, 'batch'), el('th', {}, 'progress'), el('th', {}, 'done / total')),
    ...running.map((b) => {
      const c = b.request_counts;
      return el('tr', { 'data-batch': b.id }, el('td', {}, b.id),
        el('td', {}, el('progress', { max: c.total, value: c.completed + c.failed })),
        el('td', {}, (c.completed + c.failed) + ' / ' + c.total + (c.failed ? ' (' + c.failed + ' failed)' : '')));
    }));
}

function show(id, node) {
  const target = document.getElementById(id);
  target.replaceChildren(node);
  target.classList.toggle('muted', node.nodeType === Node.TEXT_NODE);
}

async function refresh() {
  const error = document.getElementById('error');
  try {
    const [health, fleet, list] = await Promise.all([get('/health'), get('/v1/fleet'), get('/v1/batches?limit=100')]);
    const badge = document.getElementById('health');
    badge.textContent = health.status;
    badge.className = 'badge ' + health.status;
    document.getElementById('models').replaceChildren(...fleet.models.map(model));
    show('caches', caches(fleet));
    show('batches', batches(list));
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.getElementById('key-form').hidden = true;
    error.hidden = true;
  } catch (e) {
    document.getElementById('key-form').hidden = !e.needsKey;
    error.textContent = e.message;
    error.hidden = false;
  } finally {
    setTimeout(refresh, POLL_MS);
  }
}

document.getElementById('key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  localStorage.setItem(KEY, document.getElementById('key').value.trim());
  document.getElementById('key').value = '';
});

refresh();
