// The simulator's "IoT app": connection tokens, pairing codes (through the pairing proxy's
// connect-db, as the database does) and the list of paired boxes and their devices.
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const response = await fetch(`/iot-sim/api/${path}`, body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : { cache: 'no-store' });
  return response.json();
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function render(state) {
  $('db').textContent = state.db.name;
  if (!state.boxes.length) return;
  const parts = state.boxes.map((box) => {
    const section = document.createElement('div');
    section.className = 'box';
    section.dataset.identifier = box.identifier;
    const title = document.createElement('h3');
    title.textContent = `${box.name} · ${box.identifier} · ${box.ip} · ${box.version} · ${box.websocket_connected ? 'connected' : 'not connected'}`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Delete';
    remove.addEventListener('click', () => api('delete-box', { identifier: box.identifier }).then(refresh));
    title.append(' ', remove);
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const label of ['Device', 'Identifier', 'Type', 'Connection', 'Status']) head.append(Object.assign(document.createElement('th'), { textContent: label }));
    const body = document.createElement('tbody');
    for (const device of box.devices) {
      const row = document.createElement('tr');
      row.className = 'device';
      row.dataset.identifier = device.identifier;
      row.append(cell(device.name), cell(device.identifier), cell(device.subtype ? `${device.type} (${device.subtype})` : device.type), cell(device.connection), cell(device.connected ? 'connected' : 'disconnected', device.connected ? 'ok' : 'muted'));
      body.append(row);
    }
    table.append(body);
    section.append(title, table);
    return section;
  });
  $('boxes').replaceChildren(...parts);
}

async function refresh() {
  render(await api('state'));
}

$('token').addEventListener('click', async () => {
  const issued = await api('token', { generation: $('generation').value });
  $('token-out').value = issued.connectionString;
  $('copy').hidden = false;
});
$('copy').addEventListener('click', () => navigator.clipboard?.writeText($('token-out').value));

$('pair').addEventListener('click', async () => {
  const code = $('code').value.trim();
  if (!code) return void ($('pair-out').textContent = 'Enter the code the IoT box shows.');
  const issued = await api('token', { generation: '19' });
  const response = await fetch('/odoo-enterprise/iot/connect-db', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ params: { pairing_code: code, database_url: issued.database_url, token: issued.token, db_uuid: issued.db_uuid, enterprise_code: issued.enterprise_code } }),
  });
  const answer = await response.json();
  $('pair-out').className = answer.error ? 'error' : 'ok';
  $('pair-out').textContent = answer.error ? `Pairing failed: ${answer.error}` : 'Paired: the box connects in a few seconds.';
});

await refresh();
setInterval(refresh, 1000);
