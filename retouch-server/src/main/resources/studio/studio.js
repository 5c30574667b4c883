// Retouch studio: plain JavaScript over the HTTP API (no libraries, nothing fetched from outside this server).
'use strict';

const METHODS = {
  fewshot: { help: 'A learned effect (e.g. default yellow → dark skin tone), applied to the input.', image: true,
    fields: [['effect', 'text', 'skin-tone-5'], ['seed', 'int', 1]] },
  rectifier: { help: 'rectifier (paper 002): a trained attribute edit (e.g. smiling → crying face), invert and '
    + 'regenerate with it.', image: true,
    fields: [['edit', 'text', 'rectifier-crying'], ['steps', 'int', 50], ['seed', 'int', 0]] },
  portrait: { help: 'portrait (paper 003): a model trained on generated pairs edits man ↔ woman (or an expression) '
    + 'and keeps the rest with a mask it computes itself.', image: true,
    fields: [['model', 'text', 'portrait-man-woman'], ['target', 'text', 'woman'], ['scales', 'text', 'code'],
      ['mask', 'text', ''], ['steps', 'int', 20], ['seed', 'int', 0]] },
  pixel: { help: 'pixelguide: paint the segmentation; the face follows the map inside the changed region.', image: true,
    fields: [['seed', 'int', 0], ['t0', 'int', ''], ['scale', 'number', '']] },
  sdedit: { help: 'SDEdit baseline: noise the input to a strength and denoise it with the pixel model.', image: true,
    fields: [['model', 'text', 'emoji-ddpm-32'], ['strength', 'number', 0.5], ['steps', 'int', 50], ['seed', 'int', 1]] },
  img2img: { help: 'img2img with a prompt on the latent model.', image: true,
    fields: [['prompt', 'text', 'cat face'], ['negative', 'text', ''], ['strength', 'number', 0.6], ['steps', 'int', 50],
      ['guidance', 'number', 5], ['seed', 'int', 1]] },
  diffedit: { help: 'DiffEdit: a mask from two prompts, the edit inside it.', image: true,
    fields: [['query', 'text', 'face with sunglasses'], ['reference', 'text', 'grinning face with smiling eyes'],
      ['ratio', 'number', 0.5], ['steps', 'int', 50], ['guidance', 'number', 5], ['seed', 'int', 1]] },
  generate: { help: 'Text to image with the latent model (no input needed).', image: false,
    fields: [['prompt', 'text', 'red heart'], ['negative', 'text', ''], ['steps', 'int', 25], ['guidance', 'number', 5],
      ['sampler', 'text', 'dpmpp-2m'], ['seed', 'int', 1]] },
  'train-fewshot': { help: 'Learn a new effect from before/after pairs (the k-th before with the k-th after, in the '
    + 'order chosen); it is then usable by name in the fewshot panel. The result shows it on the first before.',
    image: false, fields: [['name', 'text', 'my-effect'], ['steps', 'int', 500], ['batch', 'int', 8], ['seed', 'int', 0]] },
  sine: { help: 'SINE: the shipped single-image fine-tune, edited with a prompt (no input needed).', image: false,
    fields: [['model', 'text', 'sine-demo'], ['prompt', 'text', 'smiling face with sunglasses'], ['v', 'number', 0.7],
      ['k', 'int', 400], ['guidance', 'number', 5], ['steps', 'int', 25], ['seed', 'int', 0]] },
};

const $ = (id) => document.getElementById(id);
const state = { method: 'fewshot', input: null, inputName: null, mapTicket: 0, inputUrl: null, job: null, events: null, palette: [], colour: 1,
  original: null, painting: false };

function token() { return $('token').value || localStorage.getItem('retouch.token') || ''; }
function withToken(url) {
  const t = token();
  return t ? url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(t) : url;
}
async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers.Authorization = 'Bearer ' + token();
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401) { $('token-box').hidden = false; }
  return res;
}
async function errorOf(res) {
  try { return (await res.json()).error || res.statusText; } catch (e) { return res.status + ' ' + res.statusText; }
}

// ---- input -------------------------------------------------------------------------------------------------
async function chooseBlob(blob, name) {
  state.input = blob;
  state.inputName = name;
  if (state.inputUrl) URL.revokeObjectURL(state.inputUrl);
  state.inputUrl = URL.createObjectURL(blob);
  $('input').src = state.inputUrl;
  $('input').alt = name;
  $('input-name').textContent = name;
  if (state.method === 'pixel') await loadMap();
}
async function loadSamples() {
  const res = await api('/api/samples');
  const { samples } = await res.json();
  for (const name of samples) {
    const b = document.createElement('button');
    b.type = 'button';
    b.title = name;
    b.dataset.sample = name;
    const img = document.createElement('img');
    img.src = withToken('/api/samples/' + name);
    img.alt = name;
    b.appendChild(img);
    b.onclick = async () => {
      document.querySelectorAll('.samples button').forEach((x) => x.classList.remove('chosen'));
      b.classList.add('chosen');
      const r = await api('/api/samples/' + name);
      await chooseBlob(await r.blob(), name);
    };
    $('samples').appendChild(b);
  }
}
$('upload').onchange = async (e) => {
  const f = e.target.files[0];
  if (f) await chooseBlob(f, f.name);
};

// ---- methods -----------------------------------------------------------------------------------------------
function showMethod(m) {
  state.method = m;
  document.querySelectorAll('#tabs button').forEach((b) => b.setAttribute('aria-selected', b.dataset.method === m));
  $('method-help').textContent = METHODS[m].help;
  const form = $('options');
  form.innerHTML = '';
  for (const [name, type, def] of METHODS[m].fields) {
    const label = document.createElement('label');
    label.textContent = name;
    const input = document.createElement('input');
    input.name = name;
    input.dataset.type = type;
    input.value = def;
    if (type !== 'text') { input.type = 'number'; input.step = type === 'int' ? '1' : 'any'; }
    if (def === '') input.placeholder = 'default';
    label.appendChild(input);
    form.appendChild(label);
  }
  $('pixel-editor').hidden = m !== 'pixel';
  $('pairs-editor').hidden = m !== 'train-fewshot';
  if (m === 'pixel' && state.input) loadMap();
}
function buildTabs() {
  for (const m of Object.keys(METHODS)) {
    const b = document.createElement('button');
    b.type = 'button';
    b.role = 'tab';
    b.dataset.method = m;
    b.textContent = m;
    b.onclick = () => showMethod(m);
    $('tabs').appendChild(b);
  }
}
function options() {
  const o = { method: state.method };
  for (const input of $('options').querySelectorAll('input')) {
    if (input.value === '') continue;
    const t = input.dataset.type;
    o[input.name] = t === 'text' ? input.value : t === 'int' ? parseInt(input.value, 10) : parseFloat(input.value);
  }
  return o;
}

// ---- pixelguide map painting ------------------------------------------------------------------------------------
function hex(rgb) { return [1, 3, 5].map((i) => parseInt(rgb.substr(i, 2), 16)); }
async function loadPalette() {
  const res = await api('/api/palette');
  state.palette = (await res.json()).classes;
  state.palette.forEach((c, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = c.name;
    b.dataset.colour = i;
    b.style.background = c.rgb;
    b.onclick = () => {
      state.colour = i;
      document.querySelectorAll('.palette button').forEach((x) => x.classList.toggle('chosen', x === b));
    };
    $('palette').appendChild(b);
  });
}
// the segmentation of the current input (a reply for an input chosen before is dropped)
async function loadMap() {
  const ticket = ++state.mapTicket;
  const name = state.inputName;
  state.original = null;
  $('map').dataset.input = '';
  $('roi-caption').textContent = 'ROI: segmenting…';
  const form = new FormData();
  form.append('image', state.input, 'input.png');
  const seed = options().seed || 0;
  const res = await api('/api/segment?seed=' + seed, { method: 'POST', body: form });
  if (ticket !== state.mapTicket) return;
  if (!res.ok) { setStatus('segmentation failed: ' + await errorOf(res), true); return; }
  const img = await createImageBitmap(await res.blob());
  if (ticket !== state.mapTicket) return;
  $('map').dataset.input = name;
  const ctx = $('map').getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(img, 0, 0);
  state.original = ctx.getImageData(0, 0, 32, 32);
  drawRoi();
}
function paintAt(e) {
  if (!state.original) return;
  const c = $('map');
  const r = c.getBoundingClientRect();
  const x = Math.floor((e.clientX - r.left) / r.width * 32);
  const y = Math.floor((e.clientY - r.top) / r.height * 32);
  const size = parseInt($('brush').value, 10);
  const ctx = c.getContext('2d');
  ctx.fillStyle = state.palette[state.colour].rgb;
  ctx.fillRect(x - Math.floor((size - 1) / 2), y - Math.floor((size - 1) / 2), size, size);
  drawRoi();
}
// the ROI as the method computes it: the changed pixels, dilated 3×3 three times
function drawRoi() {
  if (!state.original) return;
  const now = $('map').getContext('2d').getImageData(0, 0, 32, 32).data;
  const was = state.original.data;
  let roi = new Uint8Array(32 * 32);
  let changed = 0;
  for (let i = 0; i < 32 * 32; i++) {
    if (now[4 * i] !== was[4 * i] || now[4 * i + 1] !== was[4 * i + 1] || now[4 * i + 2] !== was[4 * i + 2]) {
      roi[i] = 1; changed++;
    }
  }
  for (let k = 0; k < 3; k++) {
    const next = new Uint8Array(32 * 32);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
      let on = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy, xx = x + dx;
        if (yy >= 0 && yy < 32 && xx >= 0 && xx < 32 && roi[yy * 32 + xx]) on = 1;
      }
      next[y * 32 + x] = on;
    }
    roi = next;
  }
  const out = $('roi').getContext('2d').createImageData(32, 32);
  let count = 0;
  roi.forEach((v, i) => { const g = v ? 255 : 0; count += v; out.data.set([g, g, g, 255], 4 * i); });
  $('roi').getContext('2d').putImageData(out, 0, 0);
  $('roi-caption').textContent = changed ? `ROI: ${count} of 1024 pixels (${changed} painted)` : 'ROI: nothing changed yet';
}
function mapBlob() {
  return new Promise((resolve) => $('map').toBlob(resolve, 'image/png'));
}

// ---- jobs ---------------------------------------------------------------------------------------------------
function setStatus(text, error) {
  $('status').textContent = text;
  $('status').classList.toggle('error', !!error);
}
async function run() {
  const m = METHODS[state.method];
  if (m.image && !state.input) { setStatus('choose an input first', true); return; }
  if (state.method === 'pixel' && !state.original) { setStatus('wait for the segmentation to load', true); return; }
  const form = new FormData();
  form.append('request', JSON.stringify(options()));
  if (m.image) form.append('image', state.input, 'input.png');
  if (state.method === 'pixel') form.append('map', await mapBlob(), 'map.png');
  if (state.method === 'train-fewshot') {
    const before = $('before-files').files, after = $('after-files').files;
    if (before.length < 2 || before.length !== after.length) {
      setStatus('choose at least 2 before images and as many after images', true); return;
    }
    for (const f of before) form.append('before', f, f.name);
    for (const f of after) form.append('after', f, f.name);
  }
  $('run').disabled = true;
  $('download').hidden = true;
  $('after').removeAttribute('src');
  $('judge').textContent = 'after';
  $('before').src = m.image ? state.inputUrl : '';
  $('progress').value = 0;
  setStatus('submitting…');
  const res = await api('/api/jobs', { method: 'POST', body: form });
  if (!res.ok) { setStatus('refused: ' + await errorOf(res), true); $('run').disabled = false; return; }
  const job = await res.json();
  state.job = job.id;
  $('cancel').disabled = false;
  setStatus(job.status);
  follow(job.id);
}
function follow(id) {
  if (state.events) state.events.close();
  const es = new EventSource(withToken('/api/jobs/' + id + '/events'));
  state.events = es;
  const update = (e) => {
    const j = JSON.parse(e.data);
    const p = j.progress;
    $('progress').max = Math.max(1, p.steps);
    $('progress').value = p.step;
    setStatus(`${j.method}: ${j.status}` + (p.steps ? ` (step ${p.step} of ${p.steps})` : '') + (j.error ? ' — ' + j.error : ''),
      j.status === 'failed');
    return j;
  };
  es.addEventListener('progress', update);
  es.addEventListener('status', (e) => {
    const j = update(e);
    es.close();
    state.events = null;
    $('run').disabled = false;
    $('cancel').disabled = true;
    if (j.status === 'done') {
      const url = withToken(j.result);
      $('after').src = url;
      $('after').alt = 'result of job ' + j.id;
      $('judge').textContent = j.judge || 'after';
      $('download').href = url;
      $('download').hidden = false;
      $('params').textContent = JSON.stringify(j.parameters, null, 1);
    }
  });
  es.onerror = () => { if (state.events === es) setStatus('lost the event stream; the job may still run', true); };
}
$('run').onclick = run;
$('cancel').onclick = async () => { if (state.job) await api('/api/jobs/' + state.job, { method: 'DELETE' }); };
$('reset-map').onclick = () => {
  if (state.original) { $('map').getContext('2d').putImageData(state.original, 0, 0); drawRoi(); }
};
$('map').addEventListener('pointerdown', (e) => { state.painting = true; paintAt(e); });
$('map').addEventListener('pointermove', (e) => { if (state.painting) paintAt(e); });
window.addEventListener('pointerup', () => { state.painting = false; });
$('token').onchange = () => localStorage.setItem('retouch.token', $('token').value);

(async function start() {
  buildTabs();
  showMethod('fewshot');
  try {
    const h = await api('/api/health');
    $('health').textContent = h.ok ? 'server ok' : 'server: ' + await errorOf(h);
    await loadPalette();
    await loadSamples();
  } catch (e) {
    $('health').textContent = 'server unreachable: ' + e;
  }
})();
