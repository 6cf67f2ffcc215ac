// Morphgate status page: polls ../status.json every 2 seconds and renders it. No libraries: the chart is drawn on a
// canvas by hand. Element ids are what the browser test reads (configuration-id, slots rows data-slot).
(function () {
  'use strict';
  var POLL_MILLIS = 2000;
  var FETCH_TIMEOUT_MILLIS = 10000;

  function $(id) { return document.getElementById(id); }
  function text(id, value) { $(id).textContent = value; }
  function fmt(n, digits) { return n === null || n === undefined || isNaN(n) ? '–' : Number(n).toFixed(digits); }
  function count(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en'); }
  function cell(row, value) { var td = document.createElement('td'); td.textContent = value; row.appendChild(td); return td; }
  function fillTable(id, items, render) {
    var body = $(id).querySelector('tbody');
    body.replaceChildren();
    items.forEach(function (item) { var tr = document.createElement('tr'); render(tr, item); body.appendChild(tr); });
    if (items.length === 0) { var tr = document.createElement('tr'); cell(tr, 'none').colSpan = 9; body.appendChild(tr); }
  }
  function definitions(id, pairs) {
    var dl = document.createElement('dl');
    pairs.forEach(function (p) {
      var dt = document.createElement('dt'); dt.textContent = p[0];
      var dd = document.createElement('dd'); dd.textContent = p[1];
      dl.appendChild(dt); dl.appendChild(dd);
    });
    $(id).replaceChildren(dl);
  }
  function duration(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return (h ? h + ' h ' : '') + (h || m ? m + ' min ' : '') + s + ' s';
  }

  function render(status) {
    var t = status.telemetry, model = status.model;
    text('gateway-id', status.gatewayId);
    var state = $('model-state'); state.textContent = model.state; state.className = 'badge ' + model.state;
    text('model-id', model.model ? model.model.id + ' ' + model.model.version : 'none');
    text('model-input', model.model ? '(input ' + model.model.input + ')' : '');
    text('configuration-id', model.configuration.id);
    text('generation', model.generation);
    text('params', count(model.params));
    text('macs', count(model.macs));
    text('uptime', duration(t.uptimeSeconds));
    text('updated', 'updated ' + new Date().toLocaleTimeString('en-GB'));
    text('t-rps', fmt(t.requestsPerSecond, 1));
    text('t-p50', fmt(t.p50LatencyMillis, 2) + ' ms');
    text('t-p99', fmt(t.p99LatencyMillis, 2) + ' ms');
    text('t-requests', count(t.requests));
    text('t-failures', count(t.failures));
    text('t-heap', Math.round(t.heapUsedBytes / 1048576) + ' / ' + Math.round(t.heapMaxBytes / 1048576) + ' MiB');

    fillTable('slots', model.slots, function (tr, s) {
      tr.dataset.slot = s.name;
      cell(tr, s.name);
      cell(tr, s.input + ' → ' + s.output);
      cell(tr, s.activeVariant || 'default layer').className = 'serving';
      cell(tr, s.pinnedVariant || '');
    });
    fillTable('operators', status.operators, function (tr, b) {
      cell(tr, b.symbolicName + ' [' + b.bundleId + ']');
      cell(tr, b.version);
      cell(tr, b.state);
      cell(tr, b.variantsOffered);
      cell(tr, b.variantsActive);
    });
    var budget = status.budget;
    if (!budget.configured) {
      $('budget').textContent = 'No budget configured (Configuration Admin PID ' + budget.pid + ' is empty).';
    } else {
      definitions('budget', Object.keys(budget.limits).map(function (k) { return [k, String(budget.limits[k])]; }));
    }
    var q = status.serving;
    if (!q) {
      $('serving').textContent = 'The serving bundle is not running.';
    } else {
      definitions('serving', [['queued', q.queued + ' of ' + q.capacity], ['accepted', count(q.accepted)],
        ['refused (queue full)', count(q.refused)], ['rejected (bad input)', count(q.rejected)],
        ['batches', count(q.batches)], ['mean batch size', fmt(q.meanBatchSize, 2)],
        ['batching', q.maxBatchSize <= 1 ? 'off' : 'up to ' + q.maxBatchSize + ', ' + q.maxBatchDelayMicros + ' µs added delay at most']]);
    }
    renderPolicy(status.policy);
    fillTable('swaps', model.recentSwaps.slice().reverse(), function (tr, s) {
      cell(tr, s.generation);
      cell(tr, s.configuration.id);
      cell(tr, s.trigger);
      cell(tr, new Date(s.servingAt).toLocaleTimeString('en-GB'));
      cell(tr, fmt(s.composeMillis, 0) + ' + ' + fmt(s.sessionMillis, 0) + ' + ' + fmt(s.warmupMillis, 0) + ' ms');
    });
    drawChart($('chart'), status.history);
  }

  // The policy bundle's state and its recent decisions (newest first), each as event/policy carries it.
  function renderPolicy(policy) {
    var box = $('policy');
    if (!policy || !policy.installed) { box.textContent = 'No policy installed.'; return; }
    var head = 'Policy bundle ' + policy.bundle.symbolicName + ' ' + policy.bundle.version + ' is ' + policy.bundle.state + '.';
    if (!policy.decisions.length) { box.textContent = head + ' No decisions reported yet.'; return; }
    var list = document.createElement('ul');
    policy.decisions.forEach(function (d) {
      var li = document.createElement('li');
      var f = d.figures, figures = [];
      if (f.expectedAccuracy != null) figures.push('expected accuracy ' + (100 * f.expectedAccuracy).toFixed(2) + '%');
      if (f.predictedLatencyMillis != null) figures.push('predicted ' + f.predictedLatencyMillis.toFixed(3) + ' ms');
      figures.push('decided in ' + fmt(f.decisionMillis, 2) + ' ms');
      li.textContent = d.decidedAt + ': ' + d.outcome + ' ' + d.chosen.id + ' — '
          + d.trigger + ' (' + figures.join(', ') + ')' + (d.detail ? ': ' + d.detail : '');
      list.appendChild(li);
    });
    box.replaceChildren(document.createTextNode(head), list);
  }

  function drawChart(canvas, points) {
    var g = canvas.getContext('2d'), w = canvas.width, h = canvas.height;
    var left = 50, right = 50, top = 12, bottom = 28, pw = w - left - right, ph = h - top - bottom;
    g.clearRect(0, 0, w, h);
    g.font = '11px sans-serif';
    g.strokeStyle = '#e5e7eb'; g.fillStyle = '#6b7280';
    if (points.length < 2) { g.fillText('collecting samples…', left + 10, top + 20); return; }
    var t0 = points[0].at, t1 = points[points.length - 1].at;
    var maxRps = niceMax(points.map(function (p) { return p.requestsPerSecond; }));
    var maxMs = niceMax(points.map(function (p) { return p.p99LatencyMillis || 0; }));
    for (var i = 0; i <= 4; i++) {
      var y = top + ph - ph * i / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(left + pw, y); g.stroke();
      g.textAlign = 'right'; g.fillText(fmt(maxRps * i / 4, maxRps < 10 ? 1 : 0), left - 6, y + 4);
      g.textAlign = 'left'; g.fillText(fmt(maxMs * i / 4, maxMs < 10 ? 1 : 0), left + pw + 6, y + 4);
    }
    g.textAlign = 'center';
    var span = Math.max(1, (t1 - t0) / 1000);
    [0, 0.5, 1].forEach(function (f) { g.fillText('-' + Math.round(span * (1 - f)) + ' s', left + pw * f, h - 8); });
    function x(p) { return left + pw * (t1 === t0 ? 1 : (p.at - t0) / (t1 - t0)); }
    function line(colour, value, max) {
      g.strokeStyle = colour; g.lineWidth = 2; g.beginPath();
      var started = false;
      points.forEach(function (p) {
        var v = value(p);
        if (v === null || v === undefined || isNaN(v)) { started = false; return; }
        var y = top + ph - ph * Math.min(1, v / max);
        if (started) { g.lineTo(x(p), y); } else { g.moveTo(x(p), y); started = true; }
      });
      g.stroke(); g.lineWidth = 1;
    }
    line('#2563eb', function (p) { return p.requestsPerSecond; }, maxRps);
    line('#16a34a', function (p) { return p.p50LatencyMillis; }, maxMs);
    line('#dc2626', function (p) { return p.p99LatencyMillis; }, maxMs);
  }

  function niceMax(values) {
    var max = Math.max.apply(null, values.concat([0]));
    if (max <= 0) { return 1; }
    var step = Math.pow(10, Math.floor(Math.log10(max)));
    return Math.ceil(max / step) * step;
  }

  function poll() {
    // A request that never completes (a gateway that stopped answering mid-response) must not end the polling loop.
    var abort = new AbortController();
    var timeout = setTimeout(function () { abort.abort(); }, FETCH_TIMEOUT_MILLIS);
    fetch('../status.json', { cache: 'no-store', signal: abort.signal })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (status) { $('connection-error').hidden = true; render(status); })
      .catch(function (e) { var box = $('connection-error'); box.hidden = false; box.textContent = 'Cannot read the status: ' + e.message; })
      .finally(function () { clearTimeout(timeout); setTimeout(poll, POLL_MILLIS); });
  }
  poll();
}());
