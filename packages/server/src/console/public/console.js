// Herald console page: plain browser JavaScript, no build step. Talks to /console/api/* (same origin,
// session cookie) and reads the live feed from a Server-Sent Events stream.
/* global document, window, EventSource */
'use strict';

(() => {
  /** Most feed entries kept in the page; older ones are forgotten. */
  const MAX_ENTRIES = 1000;
  /** How often the state panel refreshes itself while the page is visible. */
  const STATE_REFRESH_MS = 5000;

  const $ = (id) => document.getElementById(id);
  const views = { signin: $('signin-view'), console: $('console-view') };
  const feedBody = $('feed-body');
  const timeFormat = new Intl.DateTimeFormat(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hour12: false,
  });

  let entries = [];
  let paused = false;
  let source;
  let stateTimer;
  let droppedTotal = 0;

  async function api(method, path, body) {
    const response = await fetch(`api/${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = {};
    try {
      json = await response.json();
    } catch {
      // an empty or non-JSON body
    }
    return { status: response.status, body: json };
  }

  // --- sign-in ---------------------------------------------------------------------------------

  function showSignIn(message) {
    stopLive();
    views.console.hidden = true;
    $('who').hidden = true;
    views.signin.hidden = false;
    $('signin-error').textContent = message || '';
    $('signin-key').focus();
  }

  function showConsole(app) {
    views.signin.hidden = true;
    views.console.hidden = false;
    $('who').hidden = false;
    $('app-name').textContent = app.name || app.key;
    $('app-id').textContent = app.id;
    document.title = `Herald console · ${app.name || app.id}`;
    startLive();
  }

  $('signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = $('signin-key').value.trim();
    const secret = $('signin-secret').value;
    $('signin-error').textContent = '';
    const { status, body } = await api('POST', 'session', { key, secret });
    $('signin-secret').value = '';
    if (status === 200) showConsole(body.app);
    else $('signin-error').textContent = body.error || `Sign-in failed (${status})`;
  });

  $('sign-out').addEventListener('click', async () => {
    await api('DELETE', 'session');
    entries = [];
    render();
    showSignIn('Signed out.');
  });

  // --- live feed -------------------------------------------------------------------------------

  function setStatus(text, live) {
    const status = $('feed-status');
    status.textContent = text;
    status.classList.toggle('live', Boolean(live));
  }

  function startLive() {
    stopLive();
    droppedTotal = 0;
    $('dropped').hidden = true;
    source = new EventSource('api/stream');
    source.addEventListener('ready', () => setStatus(paused ? 'Paused' : 'Live', !paused));
    source.addEventListener('message', (message) => add(JSON.parse(message.data)));
    source.addEventListener('dropped', (message) => {
      droppedTotal += JSON.parse(message.data).count;
      const notice = $('dropped');
      notice.hidden = false;
      notice.textContent = `${droppedTotal} older events were skipped because the page fell behind.`;
    });
    source.addEventListener('error', async () => {
      setStatus('Reconnecting…');
      if (source.readyState === EventSource.CLOSED) {
        const who = await api('GET', 'session');
        if (who.status === 401) showSignIn('Your session ended. Sign in again.');
        else window.setTimeout(startLive, 2000);
      }
    });
    refreshState();
    stateTimer = window.setInterval(() => {
      if (document.visibilityState === 'visible') refreshState();
    }, STATE_REFRESH_MS);
  }

  function stopLive() {
    source?.close();
    source = undefined;
    window.clearInterval(stateTimer);
  }

  function channelsOf(entry) {
    if (entry.channel) return [entry.channel];
    return entry.channels || [];
  }

  /** The filter group of an entry type (matches the options of the Type select). */
  function groupOf(type) {
    if (type.startsWith('connection_')) return 'connection';
    if (type === 'subscribed' || type === 'unsubscribed') return 'subscription';
    if (type.startsWith('channel_')) return 'channel';
    if (type.startsWith('member_')) return 'member';
    return type;
  }

  function matches(entry) {
    const channel = $('filter-channel').value.trim().toLowerCase();
    const type = $('filter-type').value;
    if (type && groupOf(entry.type) !== type && entry.type !== type) return false;
    if (channel && !channelsOf(entry).some((c) => c.toLowerCase().includes(channel))) return false;
    return true;
  }

  function details(entry) {
    const parts = [];
    if (entry.event) parts.push(`event ${entry.event}`);
    if (entry.socketId) parts.push(`socket ${entry.socketId}`);
    if (entry.userId) parts.push(`user ${entry.userId}`);
    if (entry.code !== undefined) parts.push(`code ${entry.code}`);
    if (entry.count !== undefined) parts.push(`count ${entry.count}`);
    if (entry.type === 'webhook_sent') {
      parts.push(`${entry.outcome} ${entry.status ?? ''}`.trim(), `attempt ${entry.attempt}`);
      parts.push(`${entry.events} event(s) to ${entry.url}`);
    }
    if (entry.data !== undefined) parts.push(`data ${entry.data}${entry.truncated ? '…' : ''}`);
    return parts.join(' · ');
  }

  function row(entry) {
    const tr = document.createElement('tr');
    const cells = [
      ['time', timeFormat.format(new Date(entry.time))],
      ['kind', entry.type],
      ['channel', channelsOf(entry).join(', ')],
      ['details', details(entry)],
    ];
    for (const [cls, text] of cells) {
      const td = document.createElement('td');
      td.className = cls;
      if (cls === 'kind') {
        const span = document.createElement('span');
        span.className = 'type';
        span.textContent = text;
        td.append(span);
      } else td.textContent = text;
      tr.append(td);
    }
    return tr;
  }

  function add(entry) {
    entries.push(entry);
    if (entries.length > MAX_ENTRIES) {
      entries.splice(0, entries.length - MAX_ENTRIES);
      if (!paused) return render();
    }
    if (paused || !matches(entry)) return;
    feedBody.prepend(row(entry));
    while (feedBody.childElementCount > MAX_ENTRIES) feedBody.lastElementChild.remove();
    $('feed-empty').hidden = true;
  }

  function render() {
    const rows = entries.filter(matches).reverse().map(row);
    feedBody.replaceChildren(...rows);
    $('feed-empty').hidden = rows.length > 0;
  }

  $('filter-channel').addEventListener('input', render);
  $('filter-type').addEventListener('change', render);
  $('pause').addEventListener('click', (event) => {
    paused = !paused;
    event.currentTarget.setAttribute('aria-pressed', String(paused));
    event.currentTarget.textContent = paused ? 'Resume' : 'Pause';
    setStatus(paused ? 'Paused' : 'Live', !paused);
    if (!paused) render();
  });
  $('clear').addEventListener('click', () => {
    entries = [];
    render();
  });

  // --- state -----------------------------------------------------------------------------------

  async function refreshState() {
    const { status, body } = await api('GET', 'state');
    if (status === 401) return showSignIn('Your session ended. Sign in again.');
    if (status !== 200) return;
    $('connections').textContent = String(body.connections);
    $('channel-count').textContent = String(body.channelCount);
    const rows = body.channels.map((channel) => {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      if (channel.name.startsWith('presence-')) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'linkish';
        button.textContent = channel.name;
        button.setAttribute('aria-label', `Show members of ${channel.name}`);
        button.addEventListener('click', () => showMembers(channel.name));
        name.append(button);
      } else name.textContent = channel.name;
      const subs = document.createElement('td');
      subs.textContent = String(channel.subscriptionCount);
      const users = document.createElement('td');
      users.textContent = channel.userCount === undefined ? '' : String(channel.userCount);
      tr.append(name, subs, users);
      return tr;
    });
    $('channels-body').replaceChildren(...rows);
  }

  async function showMembers(channel) {
    const { status, body } = await api('GET', `members?channel=${encodeURIComponent(channel)}`);
    if (status !== 200) return;
    $('members').hidden = false;
    $('members-title').textContent = `Members of ${channel} (${body.memberCount})`;
    $('members-list').replaceChildren(
      ...body.members.map((member) => {
        const li = document.createElement('li');
        li.textContent =
          member.info === undefined ? member.id : `${member.id} ${JSON.stringify(member.info)}`;
        return li;
      }),
    );
  }

  $('refresh').addEventListener('click', refreshState);

  // --- send ------------------------------------------------------------------------------------

  $('send-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = $('send-result');
    result.className = 'result';
    const channels = $('send-channels')
      .value.split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const data = $('send-data').value;
    try {
      JSON.parse(data);
    } catch (error) {
      result.classList.add('fail');
      result.textContent = `Data is not valid JSON: ${error.message}`;
      $('send-data').focus();
      return;
    }
    result.textContent = 'Sending…';
    const { status, body } = await api('POST', 'events', {
      channels,
      event: $('send-event').value.trim(),
      data,
    });
    const apiStatus = status === 200 ? body.status : status;
    const ok = apiStatus >= 200 && apiStatus < 300;
    result.classList.add(ok ? 'ok' : 'fail');
    const error = status === 200 ? body.body && body.body.error : body.error;
    result.textContent = ok
      ? `Sent (HTTP API answered ${apiStatus}).`
      : `Not sent: HTTP ${apiStatus}${error ? ` — ${error}` : ''}`;
  });

  // --- start -----------------------------------------------------------------------------------

  api('GET', 'session').then(({ status, body }) => {
    if (status === 200) showConsole(body.app);
    else showSignIn();
  });
})();
