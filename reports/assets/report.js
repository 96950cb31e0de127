// fleetsim report page: draws the data embedded in script#fleetsim-data (reports/page_data.h)
// with uPlot. Invariant: text from the data reaches the DOM only through text nodes
// (document.createTextNode / textContent), never innerHTML, so a service named
// "<script>…" is shown, not run.
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('fleetsim-data').textContent);
  var root = document.getElementById('report');
  var plots = [];  // every uPlot, resized with the window
  var COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf', '#7f7f7f'];
  // Keep in step with reports/event_category.cpp.
  var EVENT_COLOURS = { fault: '#d62728', scaling: '#1f77b4', deployment: '#2ca02c', discovery: '#999999', failover: '#9467bd', other: '#7f7f7f' };

  // ---- DOM helpers: text only ----
  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }
  function section(title, collapsed) {
    var body = el('div');
    if (collapsed) {
      var d = el('details', null, [el('summary', null, [title]), body]);
      root.appendChild(el('section', null, [el('h2', null, [title]), d]));
    } else {
      root.appendChild(el('section', null, [el('h2', null, [title]), body]));
    }
    return body;
  }
  function num(x, digits) {
    if (x === null || x === undefined || typeof x !== 'number' || !isFinite(x)) return '–';
    var d = digits === undefined ? 2 : digits;
    return x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function int(x) { return typeof x === 'number' ? x.toLocaleString('en-US') : '–'; }
  function percent(x, digits) { return typeof x === 'number' ? num(x * 100, digits === undefined ? 2 : digits) + ' %' : '–'; }
  function verdict(pass, judged) {
    if (judged === false) return el('span', 'shown', ['(shown)']);
    return el('span', pass ? 'pass' : 'fail', [pass ? 'pass' : 'FAIL']);
  }

  // ---- sortable tables ----
  // columns: [{label, numeric}]; rows: arrays of cells; a cell is a value, a DOM node, or
  // {text | node, sort, cls}. Clicking a header sorts by that column (again: reverses).
  function table(columns, rows) {
    var t = el('table', 'sortable-table');
    var head = el('tr');
    var body = el('tbody');
    columns.forEach(function (c, i) {
      var th = el('th', 'sortable' + (c.numeric ? ' num' : ''), [c.label]);
      th.addEventListener('click', function () { sortBy(i, th); });
      head.appendChild(th);
    });
    t.appendChild(el('thead', null, [head]));
    rows.forEach(function (row) {
      var tr = el('tr');
      row.forEach(function (cell, i) {
        var c = (cell !== null && typeof cell === 'object' && !(cell instanceof Node)) ? cell : { value: cell };
        var content = c.node || (c.value instanceof Node ? c.value : null);
        var td = el('td', (columns[i] && columns[i].numeric ? 'num ' : '') + (c.cls || ''),
          [content || (c.text !== undefined ? c.text : (c.value === undefined || c.value === null ? '' : c.value))]);
        var key = c.sort !== undefined ? c.sort : (typeof c.value === 'number' ? c.value : td.textContent);
        td.setAttribute('data-sort', typeof key === 'number' ? String(key) : key);
        td.setAttribute('data-numeric', typeof key === 'number' ? '1' : '0');
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    t.appendChild(body);
    var sorted = -1, ascending = true;
    function sortBy(i, th) {
      ascending = sorted === i ? !ascending : true;
      sorted = i;
      Array.prototype.forEach.call(head.children, function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
      th.classList.add(ascending ? 'sorted-asc' : 'sorted-desc');
      var trs = Array.prototype.slice.call(body.children);
      trs.sort(function (a, b) {
        var x = a.children[i], y = b.children[i];
        var r;
        if (x.getAttribute('data-numeric') === '1' && y.getAttribute('data-numeric') === '1') {
          r = parseFloat(x.getAttribute('data-sort')) - parseFloat(y.getAttribute('data-sort'));
        } else {
          r = String(x.getAttribute('data-sort')).localeCompare(String(y.getAttribute('data-sort')));
        }
        return ascending ? r : -r;
      });
      trs.forEach(function (tr) { body.appendChild(tr); });
    }
    return t;
  }

  // ---- charts ----
  function eventCategory(kind) {
    if (kind === 'discovery') return 'discovery';
    if (kind.indexOf('deploy') === 0) return 'deployment';
    if (kind === 'scale' || kind === 'task_pending' || kind === 'task_started' || kind === 'task_replaced') return 'scaling';
    if ((kind.indexOf('region_') === 0 && kind !== 'region_outage' && kind !== 'region_outage_end') || kind === 'dns_failover') return 'failover';
    if (kind === 'events_truncated') return 'other';
    return 'fault';
  }
  // Dashed vertical lines at the events' times, drawn under the series.
  function eventMarks(events) {
    return {
      hooks: {
        drawAxes: [function (u) {
          var ctx = u.ctx, top = u.bbox.top, bottom = u.bbox.top + u.bbox.height;
          ctx.save();
          ctx.lineWidth = 1.5 * uPlot.pxRatio;
          ctx.setLineDash([5 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
          events.forEach(function (e) {
            var x = u.valToPos(e.t, 'x', true);
            if (!(x >= u.bbox.left && x <= u.bbox.left + u.bbox.width)) return;
            ctx.strokeStyle = EVENT_COLOURS[eventCategory(e.kind)];
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, bottom);
            ctx.stroke();
          });
          ctx.restore();
        }]
      }
    };
  }
  function eventLegend(events) {
    var seen = {};
    events.forEach(function (e) { seen[eventCategory(e.kind)] = true; });
    var keys = Object.keys(seen);
    if (!keys.length) return null;
    var div = el('div', 'legend-events', ['events: ']);
    keys.forEach(function (k) {
      var mark = el('i');
      mark.style.borderColor = EVENT_COLOURS[k];
      div.appendChild(el('span', null, [mark, k]));
    });
    return div;
  }
  function chartWidth(parent) { return Math.max(320, Math.min(1180, (parent.clientWidth || root.clientWidth || 1180) - 10)); }
  // A chart in `parent`: series [{label, colour, dash, points}], data as uPlot's [x[], y1[], ...].
  function chart(parent, name, title, xLabel, yLabel, series, columns, extra) {
    extra = extra || {};
    var box = el('div', 'chart');
    box.setAttribute('data-chart', name);
    parent.appendChild(box);
    var opts = {
      title: title,
      width: chartWidth(parent),
      height: extra.height || 320,
      scales: { x: { time: false }, y: { distr: extra.logY ? 3 : 1 } },
      axes: [{ label: xLabel }, { label: yLabel, size: 70 }],
      series: [{ label: xLabel }].concat(series.map(function (s, i) {
        return {
          label: s.label,
          stroke: s.colour || COLOURS[i % COLOURS.length],
          width: 1.5,
          dash: s.dash,
          spanGaps: true,
          points: { show: !!s.points, size: 6 }
        };
      })),
      cursor: { drag: { x: true, y: false } },
      plugins: extra.plugins || []
    };
    if (extra.xAxis) Object.assign(opts.axes[0], extra.xAxis);
    if (extra.xRange) opts.scales.x.range = extra.xRange;
    if (extra.yRange) opts.scales.y.range = extra.yRange;
    if (extra.xLegend) opts.series[0].value = function (u, v) { return v === null || v === undefined ? '–' : extra.xLegend(v); };
    var u = new uPlot(opts, columns, box);
    plots.push({ plot: u, parent: parent });
    box.appendChild(el('div', 'hint', ['drag to zoom, double-click to reset']));
    return u;
  }
  function clean(values, positive) {
    return (values || []).map(function (v) { return typeof v === 'number' && isFinite(v) && (!positive || v > 0) ? v : null; });
  }
  // Runs' series on one x axis (uPlot wants aligned columns); gaps are null.
  function joined(tables) { return tables.length === 1 ? tables[0] : uPlot.join(tables); }

  // The percentile axis: x = log10(1 / (1 - p)) on a linear scale (0 at 0 %, 1 at 90 %, 2 at
  // 99 %, ...), labelled as p. (Done here rather than with a log scale so the ticks are exactly
  // the percentiles people read.)
  var percentileAxis = {
    splits: function (u, i, min, max) {
      var out = [];
      for (var x = Math.ceil(min - 1e-9); x <= max + 1e-9; x++) out.push(x);
      if (min <= Math.LOG10E * Math.log(2) && max >= 1) out.splice(1, 0, Math.log(2) * Math.LOG10E);  // 50 %
      return out;
    },
    values: function (u, splits) {
      return splits.map(function (x) {
        var p = 100 * (1 - Math.pow(10, -x));
        return String(parseFloat(p.toPrecision(Math.max(2, Math.round(x) + 1)))) + '%';
      });
    }
  };
  function spectrumColumns(spectrum) {
    var xs = [], ys = [];
    (spectrum ? spectrum.percentile : []).forEach(function (p, i) {
      var y = spectrum.latency_ms[i];
      if (y > 0 && p < 100) { xs.push(-Math.log(1 - p / 100) * Math.LOG10E); ys.push(y); }
    });
    return [xs, ys];
  }

  // ---- sections of one run ----
  function header(title, subtitle) {
    document.title = title + ' - fleetsim report';
    root.appendChild(el('h1', null, [title]));
    root.appendChild(el('p', 'subtitle', [subtitle]));
  }
  function card(name, value) { return el('div', 'card', [el('div', 'value', [value]), el('div', 'name', [name])]); }
  function summary(parent, r) {
    var cards = el('div', 'cards');
    cards.appendChild(card('sent', int(r.requests.sent)));
    cards.appendChild(card('ok', int(r.requests.ok)));
    cards.appendChild(card('failed', int(r.requests.failed)));
    cards.appendChild(card('availability', percent(r.availability, 3)));
    cards.appendChild(card('throughput (ok rps)', num(r.throughput_rps, 1)));
    cards.appendChild(card('latency p50 (ms)', num(r.latency_ms.p50)));
    cards.appendChild(card('latency p99 (ms)', num(r.latency_ms.p99)));
    if (r.cost) cards.appendChild(card('monthly cost (USD)', num(r.cost.monthly_usd)));
    parent.appendChild(cards);
    var slo = r.slo || { checks: [], pass: true };
    parent.appendChild(el('h3', null, ['SLO: ', verdict(slo.pass)]));
    if (slo.checks.length) {
      parent.appendChild(table([{ label: 'check' }, { label: 'target', numeric: true }, { label: 'actual', numeric: true }, { label: 'verdict' }],
        slo.checks.map(function (c) {
          var isShare = c.name === 'availability';
          return [c.name, { value: c.target, text: isShare ? percent(c.target, 3) : num(c.target) },
            { value: c.actual, text: isShare ? percent(c.actual, 3) : num(c.actual) }, { node: verdict(c.pass), sort: c.pass ? 1 : 0 }];
        })));
    } else {
      parent.appendChild(el('p', 'hint', ['the scenario sets no SLO targets']));
    }
    if (r.failover) {
      var f = r.failover;
      parent.appendChild(el('p', null, ['failover: outage at ' + num(f.outage_at_s, 0) + ' s, detected at ' +
        (f.detected_at_s < 0 ? 'never' : num(f.detected_at_s, 0) + ' s') + ', RTO ' + (f.rto_s < 0 ? 'not recovered' : num(f.rto_s, 0) + ' s') +
        ', RPO ' + num(f.rpo_s, 1) + ' s, about ' + num(f.lost_writes, 0) + ' writes lost']));
    }
    (r.warnings || []).forEach(function (w) { parent.appendChild(el('p', 'warning', ['warning: ' + w])); });
  }
  function timeCharts(parent, r, prefix) {
    var ts = r.timeseries, events = r.events || [];
    var marks = [eventMarks(events)];
    chart(parent, prefix + 'latency', 'latency of successful requests over time', 'time (s)', 'latency (ms)',
      [{ label: 'p50 (ms)' }, { label: 'p99 (ms)', colour: COLOURS[3] }], [ts.t, clean(ts.p50_ms), clean(ts.p99_ms)], { plugins: marks });
    var legend = eventLegend(events);
    if (legend) parent.appendChild(legend);
    chart(parent, prefix + 'throughput', 'throughput and errors over time', 'time (s)', 'requests per second',
      [{ label: 'sent' }, { label: 'ok', colour: COLOURS[2] }, { label: 'errors (all failed outcomes)', colour: COLOURS[3] },
       { label: 'retries', colour: COLOURS[1] }],
      [ts.t, clean(ts.rps), clean(ts.ok_rps), clean(ts.errors), clean(ts.retries)], { plugins: marks });
    var outcomes = Object.keys(ts.errors_by_outcome || {});
    if (outcomes.length) {
      chart(parent, prefix + 'errors', 'errors over time by outcome', 'time (s)', 'failed requests per second',
        outcomes.map(function (n, i) { return { label: n, colour: COLOURS[(i + 3) % COLOURS.length] }; }),
        [ts.t].concat(outcomes.map(function (n) { return clean(ts.errors_by_outcome[n]); })), { plugins: marks });
    } else {
      parent.appendChild(el('p', 'hint', ['no failed requests: nothing to split by outcome']));
    }
    var names = Object.keys(ts.tasks || {});
    if (names.length) {
      chart(parent, prefix + 'tasks', 'running tasks per service over time', 'time (s)', 'tasks',
        names.map(function (n) { return { label: n }; }), [ts.t].concat(names.map(function (n) { return clean(ts.tasks[n]); })),
        { plugins: marks });
    } else {
      parent.appendChild(el('p', 'hint', ['no per-service task counts in these results (the load generator does not see tasks)']));
    }
  }
  function spectrumChart(parent, runs, name) {
    var series = [], tables = [];
    runs.forEach(function (r, i) {
      var label = runs.length > 1 ? r.label : 'latency';
      if (r.spectrum_uncorrected) label = (runs.length > 1 ? r.label + ' ' : '') + 'corrected (from intended send)';
      series.push({ label: label, colour: COLOURS[(i * (r.spectrum_uncorrected ? 2 : 1)) % COLOURS.length] });
      tables.push(spectrumColumns(r.spectrum));
      if (r.spectrum_uncorrected) {
        series.push({ label: (runs.length > 1 ? r.label + ' ' : '') + 'uncorrected (from actual send)', colour: COLOURS[(i * 2 + 1) % COLOURS.length], points: true, dash: [6, 4] });
        tables.push(spectrumColumns(r.spectrum_uncorrected));
      }
    });
    var nonEmpty = tables.filter(function (t) { return t[0].length > 0; });
    if (!nonEmpty.length) { parent.appendChild(el('p', 'hint', ['no successful requests: no latency distribution'])); return; }
    var keptSeries = series.filter(function (s, i) { return tables[i][0].length > 0; });
    chart(parent, name, 'latency percentile spectrum (log scales)', 'percentile', 'latency (ms)', keptSeries, joined(nonEmpty),
      { logY: true, xAxis: percentileAxis, xLegend: function (x) { return String(parseFloat((100 * (1 - Math.pow(10, -x))).toPrecision(6))) + '%'; } });
  }
  function latencyTable(parent, runs) {
    var keys = ['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'];
    var rows = [];
    runs.forEach(function (r) {
      rows.push([r.label + (r.latency_uncorrected_ms ? ' (corrected)' : '')].concat(keys.map(function (k) { return { value: r.latency_ms[k], text: num(r.latency_ms[k]) }; })));
      if (r.latency_uncorrected_ms) {
        rows.push([r.label + ' (uncorrected)'].concat(keys.map(function (k) { return { value: r.latency_uncorrected_ms[k], text: num(r.latency_uncorrected_ms[k]) }; })));
      }
    });
    parent.appendChild(table([{ label: 'latency (ms)' }].concat(keys.map(function (k) { return { label: k === 'p999' ? 'p99.9' : k, numeric: true }; })), rows));
  }
  function serviceTable(parent, r) {
    var names = Object.keys(r.services || {});
    if (!names.length) { parent.appendChild(el('p', 'hint', ['no per-service figures in these results'])); return; }
    parent.appendChild(table([{ label: 'service' }, { label: 'requests', numeric: true }, { label: 'failed', numeric: true },
      { label: 'misrouted', numeric: true }, { label: 'p50 ms', numeric: true }, { label: 'p99 ms', numeric: true },
      { label: 'tasks mean', numeric: true }, { label: 'tasks min–max' }, { label: 'cpu', numeric: true }],
      names.map(function (n) {
        var s = r.services[n];
        return [n, { value: s.requests, text: int(s.requests) }, { value: s.failed, text: int(s.failed) },
          { value: s.misrouted, text: int(s.misrouted) }, { value: s.latency_ms.p50, text: num(s.latency_ms.p50) },
          { value: s.latency_ms.p99, text: num(s.latency_ms.p99) }, { value: s.tasks.mean, text: num(s.tasks.mean, 1) },
          num(s.tasks.min, 0) + '–' + num(s.tasks.max, 0), { value: s.cpu_utilization, text: percent(s.cpu_utilization, 1) }];
      })));
  }
  function shareBar(share) {
    var b = el('span', 'bar');
    b.style.width = Math.round(Math.max(0, Math.min(1, share)) * 200) + 'px';
    return b;
  }
  function outcomeTable(parent, r) {
    var by = r.requests.by_outcome || {}, sent = r.requests.sent || 0;
    parent.appendChild(table([{ label: 'outcome' }, { label: 'requests', numeric: true }, { label: 'share', numeric: true }, { label: '' }],
      Object.keys(by).map(function (k) {
        var share = sent ? by[k] / sent : 0;
        return [k, { value: by[k], text: int(by[k]) }, { value: share, text: percent(share, 3) }, { node: shareBar(share), sort: share }];
      })));
  }
  function costSection(parent, r) {
    if (!r.cost) { parent.appendChild(el('p', 'hint', ['the scenario has no cost section'])); return; }
    parent.appendChild(el('div', 'cards', [card('monthly projection (USD)', num(r.cost.monthly_usd)),
      card('measurement window (USD)', num(r.cost.period_usd, 4))]));
    var items = Object.keys(r.cost.breakdown || {}), total = r.cost.monthly_usd || 0;
    parent.appendChild(table([{ label: 'item' }, { label: 'USD / month', numeric: true }, { label: 'share', numeric: true }, { label: '' }],
      items.map(function (k) {
        var usd = r.cost.breakdown[k], share = total ? usd / total : 0;
        return [k, { value: usd, text: num(usd) }, { value: share, text: percent(share, 1) }, { node: shareBar(share), sort: share }];
      })));
  }
  // The service call graph from the scenario: clients -> routed services -> called services,
  // one column per call depth.
  function callGraph(parent, scenario, r) {
    var services = (scenario && scenario.services) ? scenario.services.map(function (s) { return s.name; }) : Object.keys(r.services || {});
    if (!services.length) { parent.appendChild(el('p', 'hint', ['no services known'])); return; }
    var edges = [];
    var routes = scenario && scenario.traffic && scenario.traffic.routes ? scenario.traffic.routes : [];
    routes.forEach(function (rt) { edges.push({ from: 'clients', to: rt.service, label: rt.weight !== undefined ? 'weight ' + rt.weight : (rt.path || '') }); });
    ((scenario && scenario.services) || []).forEach(function (s) {
      (s.calls || []).forEach(function (c) { edges.push({ from: s.name, to: c.service, label: 'p ' + (c.probability !== undefined ? c.probability : 1) }); });
    });
    var depth = { clients: 0 }, queue = ['clients'];
    while (queue.length) {
      var n = queue.shift();
      edges.forEach(function (e) { if (e.from === n && depth[e.to] === undefined) { depth[e.to] = depth[n] + 1; queue.push(e.to); } });
    }
    services.forEach(function (s) { if (depth[s] === undefined) depth[s] = 1; });
    var columns = [];
    Object.keys(depth).forEach(function (n) { (columns[depth[n]] = columns[depth[n]] || []).push(n); });
    var colW = 240, rowH = 70, boxW = 170, boxH = 34, pos = {};
    var rows = Math.max.apply(null, columns.map(function (c) { return c ? c.length : 0; }));
    var width = columns.length * colW + 20, height = rows * rowH + 30;
    var g = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, 'class': 'graph', role: 'img' });
    var defs = svg('defs'), marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
    marker.appendChild(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#555' }));
    defs.appendChild(marker);
    g.appendChild(defs);
    columns.forEach(function (col, ci) {
      (col || []).forEach(function (n, ri) { pos[n] = { x: 10 + ci * colW, y: 15 + ri * rowH + (rows - col.length) * rowH / 2 }; });
    });
    edges.forEach(function (e) {
      var a = pos[e.from], b = pos[e.to];
      if (!a || !b) return;
      var x1 = a.x + boxW, y1 = a.y + boxH / 2, x2 = b.x, y2 = b.y + boxH / 2;
      if (b.x <= a.x) { x2 = b.x + boxW / 2; y2 = b.y + (b.y > a.y ? 0 : boxH); x1 = a.x + boxW / 2; y1 = a.y + (b.y > a.y ? boxH : 0); }
      g.appendChild(svg('line', { x1: x1, y1: y1, x2: x2, y2: y2, stroke: '#555', 'stroke-width': 1.5, 'marker-end': 'url(#arrow)' }));
      var t = svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, 'text-anchor': 'middle', fill: '#555' });
      t.textContent = e.label;
      g.appendChild(t);
    });
    Object.keys(pos).forEach(function (n) {
      var p = pos[n];
      g.appendChild(svg('rect', { x: p.x, y: p.y, width: boxW, height: boxH, rx: 6, fill: n === 'clients' ? '#eeeeee' : '#e8f0fb', stroke: '#1f77b4' }));
      var t = svg('text', { x: p.x + boxW / 2, y: p.y + boxH / 2 + 4, 'text-anchor': 'middle' });
      t.textContent = n.length > 24 ? n.slice(0, 23) + '…' : n;
      var title = svg('title');
      title.textContent = n;
      t.appendChild(title);
      g.appendChild(t);
    });
    var box = el('div', 'chart');
    box.setAttribute('data-chart', 'call-graph');
    box.appendChild(g);
    parent.appendChild(box);
    if (!scenario) parent.appendChild(el('p', 'hint', ['the scenario is not in these results, so calls are not shown']));
  }
  function eventsTable(parent, events) {
    if (!events.length) { parent.appendChild(el('p', 'hint', ['no events'])); return; }
    parent.appendChild(table([{ label: 't (s)', numeric: true }, { label: 'category' }, { label: 'kind' }, { label: 'detail' }],
      events.map(function (e) { return [{ value: e.t, text: num(e.t, 3) }, eventCategory(e.kind), e.kind, e.detail]; })));
  }
  function scenarioSection(scenario) {
    var body = section('Scenario', true);
    body.appendChild(el('pre', null, [scenario ? JSON.stringify(scenario, null, 2) : 'not available: re-rendered from results.json without a scenario.json beside it']));
  }
  function subtitle(r) {
    return (r.source === 'loadgen' ? 'load generator' : 'simulation') + ' · seed ' + r.scenario.seed + ' · window ' +
      num(r.window.start_s, 0) + '–' + num(r.window.end_s, 0) + ' s · scenario sha256 ' + String(r.scenario.sha256 || '').slice(0, 12);
  }

  // ---- views ----
  function runView(r) {
    header(r.scenario.name, subtitle(r));
    summary(section('Summary'), r);
    timeCharts(section('Over time'), r, '');
    var dist = section('Latency distribution');
    spectrumChart(dist, [r], 'spectrum');
    latencyTable(dist, [r]);
    serviceTable(section('Services'), r);
    outcomeTable(section('Outcomes'), r);
    costSection(section('Cost'), r);
    callGraph(section('Service call graph'), r.scenario_doc, r);
    eventsTable(section('Events', true), r.events || []);
    scenarioSection(r.scenario_doc);
  }
  function delta(value, base, kind) {
    if (typeof value !== 'number' || typeof base !== 'number') return '';
    if (kind === 'pp') return (value - base >= 0 ? '+' : '') + num((value - base) * 100, 2) + ' pp';
    if (base === 0) return value === 0 ? '±0' : 'n/a';
    var d = (value - base) / Math.abs(base) * 100;
    return (d >= 0 ? '+' : '') + num(d, 1) + ' %';
  }
  var METRICS = [
    ['sent', function (r) { return r.requests.sent; }, int, 'rel'],
    ['availability', function (r) { return r.availability; }, function (x) { return percent(x, 3); }, 'pp'],
    ['throughput rps', function (r) { return r.throughput_rps; }, function (x) { return num(x, 1); }, 'rel'],
    ['latency mean ms', function (r) { return r.latency_ms.mean; }, num, 'rel'],
    ['latency p50 ms', function (r) { return r.latency_ms.p50; }, num, 'rel'],
    ['latency p90 ms', function (r) { return r.latency_ms.p90; }, num, 'rel'],
    ['latency p99 ms', function (r) { return r.latency_ms.p99; }, num, 'rel'],
    ['latency p99.9 ms', function (r) { return r.latency_ms.p999; }, num, 'rel'],
    ['latency max ms', function (r) { return r.latency_ms.max; }, num, 'rel'],
    ['failed', function (r) { return r.requests.failed; }, int, 'rel'],
    ['retries', function (r) { return r.requests.retries; }, int, 'rel'],
    ['monthly cost USD', function (r) { return r.cost ? r.cost.monthly_usd : undefined; }, num, 'rel']
  ];
  function comparisonTable(parent, runs) {
    var columns = [{ label: 'metric' }];
    runs.forEach(function (r, i) {
      columns.push({ label: r.label, numeric: true });
      if (i > 0) columns.push({ label: 'Δ vs ' + runs[0].label, numeric: true });
    });
    var rows = METRICS.map(function (m) {
      var row = [m[0]], base = m[1](runs[0]);
      runs.forEach(function (r, i) {
        var v = m[1](r);
        row.push({ value: typeof v === 'number' ? v : null, text: m[2](v), sort: typeof v === 'number' ? v : -Infinity });
        if (i > 0) row.push({ text: delta(v, base, m[3]), sort: typeof v === 'number' && typeof base === 'number' ? v - base : 0 });
      });
      return row;
    });
    var sloRow = ['SLO'];
    runs.forEach(function (r, i) {
      sloRow.push({ node: verdict(r.slo ? r.slo.pass : true), sort: r.slo && !r.slo.pass ? 0 : 1 });
      if (i > 0) sloRow.push('');
    });
    rows.push(sloRow);
    parent.appendChild(table(columns, rows));
  }
  function overlayCharts(parent, runs, styleOf) {
    function overlay(name, title, yLabel, pick, what) {
      var series = [], tables = [];
      runs.forEach(function (r, i) {
        pick.forEach(function (p, k) {
          var s = styleOf(i, k);
          series.push({ label: r.label + ' ' + p[0], colour: s.colour, dash: s.dash });
          tables.push([r.timeseries.t, clean(p[1](r.timeseries))]);
        });
      });
      chart(parent, name, title, 'time (s)', yLabel, series, joined(tables));
    }
    overlay('compare-latency', 'latency over time', 'latency (ms)',
      [['p50', function (t) { return t.p50_ms; }], ['p99', function (t) { return t.p99_ms; }]]);
    overlay('compare-throughput', 'successful requests and errors per second', 'requests per second',
      [['ok', function (t) { return t.ok_rps; }], ['errors', function (t) { return t.errors; }]]);
    spectrumChart(parent, runs, 'compare-spectrum');
  }
  function comparisonView(runs) {
    header(data.title + ': comparison of ' + runs.length + ' runs', subtitle(runs[0]));
    comparisonTable(section('Runs side by side (deltas against ' + runs[0].label + ')'), runs);
    overlayCharts(section('Overlaid'), runs, function (i, k) { return { colour: COLOURS[i % COLOURS.length], dash: k ? undefined : [6, 4] }; });
    latencyTable(section('Latency'), runs);
    runs.forEach(function (r) {
      var body = section('Run ' + r.label, true);
      summary(body, r);
      serviceTable(body, r);
      outcomeTable(body, r);
    });
    callGraph(section('Service call graph (' + runs[0].label + ')'), runs[0].scenario_doc, runs[0]);
    scenarioSection(runs[0].scenario_doc);
  }
  function validationView(runs, v) {
    var predicted = runs[0], measured = runs[1];
    header(data.title + ': predicted vs measured', 'validation' + (v.balancer ? ' on ' + v.balancer : '') + ' · ' + subtitle(measured));
    var top = section('Verdict');
    top.appendChild(el('div', 'verdict ' + (v.pass ? 'pass' : 'fail'),
      [v.pass ? 'validation passed: the simulator and the stack agree within tolerance' : 'validation FAILED: the simulator and the stack disagree beyond tolerance']));
    top.appendChild(table([{ label: 'metric' }, { label: 'predicted', numeric: true }, { label: 'measured', numeric: true },
      { label: 'delta' }, { label: 'tolerance' }, { label: 'verdict' }],
      (v.rows || []).map(function (row) {
        return [row.metric, { value: row.predicted, text: num(row.predicted, 3) }, { value: row.measured, text: num(row.measured, 3) },
          row.delta, row.tolerance, { node: verdict(row.pass, row.judged), sort: row.judged ? (row.pass ? 1 : 0) : 2 }];
      })));
    if (v.fixed_costs) {
      var fc = v.fixed_costs;
      top.appendChild(el('p', null, ['fixed costs of the stack (probe medians): round trip ' + num(fc.rtt_ms, 3) + ' ms, balancer overhead ' +
        num(fc.overhead_ms, 3) + ' ms' + (fc.samples !== undefined ? ' (' + fc.samples + ' samples)' : '')]));
    }
    if (v.coupled) {
      // validate's coupled prediction: each task drew the very service times its emulator drew.
      var c = v.coupled;
      top.appendChild(el('p', null, ['coupled prediction (each task\'s service times drawn from its emulator\'s own streams, ' +
        'so what differs is the model alone): p50 ' + num(c.p50_ms, 2) + ' ms, p90 ' + num(c.p90_ms, 2) + ' ms, p99 ' +
        num(c.p99_ms, 2) + ' ms, availability ' + percent(c.availability, 3) + ', ' + int(c.failed) + ' failed']));
    }
    (Array.isArray(v.notes) ? v.notes : (v.notes ? [v.notes] : [])).forEach(function (n) {
      top.appendChild(el('p', 'hint', [typeof n === 'string' ? n : JSON.stringify(n)]));
    });
    comparisonTable(section('Predicted and measured side by side'), runs);
    // One colour per metric (p50 blue, p99 red), predicted dashed, measured solid.
    overlayCharts(section('Overlaid'), runs, function (i, k) { return { colour: COLOURS[k === 0 ? 0 : 3], dash: i === 0 ? [6, 4] : undefined }; });
    latencyTable(section('Latency'), runs);
    var sides = el('div', 'side-by-side');
    section('Over time, side by side').appendChild(sides);
    [predicted, measured].forEach(function (r) {
      var half = el('div', null, [el('h3', null, [r.label])]);
      sides.appendChild(half);
      timeCharts(half, r, r.label + '-');
    });
    outcomeTable(section('Outcomes (measured)'), measured);
    serviceTable(section('Services (predicted)'), predicted);
    callGraph(section('Service call graph'), measured.scenario_doc || predicted.scenario_doc, predicted);
    eventsTable(section('Events (measured)', true), measured.events || []);
    scenarioSection(measured.scenario_doc || predicted.scenario_doc);
  }

  // ---- sweep: metric vs the first parameter, one line per combination of the others ----
  // data.sweep is reports/sweep_view.h's document; the grouping is done there (shared with the PNGs).
  // Error bars (the interval at the sweep's confidence level) are drawn by a hook, each series'
  // whiskers shifted a few pixels so overlapping intervals stay apart; the chart box counts the
  // bars it drew in data-error-bars for the self-test.
  function errorBars(intervals, box) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx, drawn = 0, n = intervals.length, cap = 4 * uPlot.pxRatio;
          ctx.save();
          ctx.lineWidth = 1.5 * uPlot.pxRatio;
          intervals.forEach(function (iv, s) {
            if (!u.series[s + 1].show) return;
            var shift = (s - (n - 1) / 2) * 4 * uPlot.pxRatio;
            ctx.strokeStyle = COLOURS[s % COLOURS.length];
            u.data[0].forEach(function (xv, i) {
              var lo = iv.low[i], hi = iv.high[i];
              if (lo === null || hi === null) return;
              var x = u.valToPos(xv, 'x', true) + shift, y1 = u.valToPos(lo, 'y', true), y2 = u.valToPos(hi, 'y', true);
              ctx.beginPath();
              ctx.moveTo(x, y1); ctx.lineTo(x, y2);
              ctx.moveTo(x - cap, y1); ctx.lineTo(x + cap, y1);
              ctx.moveTo(x - cap, y2); ctx.lineTo(x + cap, y2);
              ctx.stroke();
              drawn++;
            });
          });
          ctx.restore();
          box.setAttribute('data-error-bars', String(drawn));
        }]
      }
    };
  }
  function padded(lo, hi, share) {
    if (!(lo <= hi)) return [0, 1];
    var pad = hi > lo ? (hi - lo) * share : Math.max(Math.abs(hi) * 0.05, 1);
    return [lo - pad, hi + pad];
  }
  function finite(x) { return typeof x === 'number' && isFinite(x) ? x : null; }
  function sweepChart(parent, sw, spec, xs) {
    var index = {};
    xs.forEach(function (x, i) { index[x] = i; });
    var series = [], columns = [xs], intervals = [], lo = Infinity, hi = -Infinity;
    sw.series.forEach(function (line, s) {
      var mean = xs.map(function () { return null; }), low = mean.slice(), high = mean.slice();
      line.points.forEach(function (k) {
        var p = sw.points[k], m = p.metrics[spec.metric] || {}, at = index[p.x];
        mean[at] = finite(m.mean) === null ? null : m.mean * spec.scale;
        low[at] = finite(m.low) === null ? null : m.low * spec.scale;
        high[at] = finite(m.high) === null ? null : m.high * spec.scale;
        [mean[at], low[at], high[at]].forEach(function (v) { if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
      });
      series.push({ label: line.label, colour: COLOURS[s % COLOURS.length], points: true });
      columns.push(mean);
      intervals.push({ low: low, high: high });
    });
    var categories = sw.x.numeric ? null : sw.x.categories;
    var box = el('div');
    parent.appendChild(box);
    var extra = {
      height: 360,
      yRange: function () { return padded(lo, hi, 0.08); },
      xRange: categories ? function () { return [-0.5, categories.length - 0.5]; }
        : function () { return padded(xs[0], xs[xs.length - 1], 0.08); },
      plugins: []
    };
    if (categories) {
      extra.xAxis = {
        splits: function () { return categories.map(function (c, i) { return i; }); },
        values: function (u, splits) { return splits.map(function (x) { return categories[x] !== undefined ? String(categories[x]) : ''; }); }
      };
      extra.xLegend = function (v) { return categories[v] !== undefined ? String(categories[v]) : String(v); };
    }
    extra.plugins.push(errorBars(intervals, box));
    chart(box, spec.name, spec.title, sw.x.path, spec.y_label, series, columns, extra);
    var expected = 0;
    intervals.forEach(function (iv) { iv.low.forEach(function (v, i) { if (v !== null && iv.high[i] !== null) expected++; }); });
    box.firstChild.setAttribute('data-expect-error-bars', String(expected));
  }
  function sweepTable(parent, sw) {
    var columns = [], params = sw.parameters.map(function (p) { return p.path; });
    var numericParam = {};
    sw.parameters.forEach(function (p) {
      numericParam[p.path] = p.values.every(function (v) { return v.trim() !== '' && isFinite(Number(v)); });
    });
    params.forEach(function (p) { columns.push({ label: p, numeric: numericParam[p] }); });
    if (!params.length) columns.push({ label: 'point' });
    columns.push({ label: 'replications', numeric: true });
    var precision = sw.points.some(function (p) { return p.precision_met !== undefined; });
    if (precision) columns.push({ label: 'precision met' });
    sw.metrics.forEach(function (m) {
      var unit = m.unit === 'ratio' ? '%' : m.unit;
      columns.push({ label: m.name + (unit ? ' (' + unit + ')' : ''), numeric: true });
    });
    var rows = sw.points.map(function (p) {
      var row = [], set = {};
      p.set.forEach(function (pair) { set[pair[0]] = pair[1]; });
      params.forEach(function (path) {
        var v = set[path] === undefined ? '(unset)' : set[path];
        row.push(numericParam[path] && set[path] !== undefined ? { value: Number(v), text: v } : v);
      });
      if (!params.length) row.push(p.label);
      row.push({ value: p.replications, text: int(p.replications) });
      if (precision) row.push(p.precision_met === undefined ? '' : (p.precision_met ? 'yes' : 'no'));
      sw.metrics.forEach(function (m) {
        var v = p.metrics[m.name] || {};
        var ratio = m.unit === 'ratio', digits = ratio ? 3 : 2;
        var text = finite(v.mean) === null ? '–' :
          (ratio ? num(v.mean * 100, digits) : num(v.mean, digits)) + ' ± ' +
          (finite(v.half_width) === null ? '–' : (ratio ? num(v.half_width * 100, digits) : num(v.half_width, digits))) + (ratio ? ' %' : '');
        row.push({ text: text, sort: finite(v.mean) === null ? -Infinity : v.mean });
      });
      return row;
    });
    parent.appendChild(el('div', 'wide', [table(columns, rows)]));
    parent.appendChild(el('p', 'hint', ['mean ± half-width of the ' + num(sw.confidence_level * 100, 0) +
      ' % Student-t interval over the replications']));
  }
  function sweepView(sw) {
    var params = sw.parameters.map(function (p) { return p.path; });
    var sub = sw.points.length + ' points · ' + num(sw.confidence_level * 100, 0) + ' % intervals · ' +
      (sw.scenario.file ? 'scenario ' + sw.scenario.file + ' · ' : '') +
      (sw.scenario.seed !== undefined ? 'seed ' + sw.scenario.seed : '');
    header(data.title + ': sweep' + (params.length ? ' of ' + params.join(' × ') : ''), sub);
    var about = section('Sweep');
    about.appendChild(table([{ label: 'parameter' }, { label: 'values' }],
      sw.parameters.map(function (p, i) { return [p.path + (i === 0 ? ' (x axis)' : ' (one line per value)'), p.values.join(', ')]; })
        .concat(sw.fixed.map(function (f) { return [f[0] + ' (fixed)', f[1]]; }))));
    var xs = [];
    sw.points.forEach(function (p) { if (xs.indexOf(p.x) < 0) xs.push(p.x); });
    xs.sort(function (a, b) { return a - b; });
    var charts = section('Metrics vs ' + sw.x.path);
    charts.appendChild(el('p', 'hint', ['lines: mean over the replications; bars: the ' + num(sw.confidence_level * 100, 0) +
      ' % interval' + (sw.series.length > 1 ? '; one line per ' + params.slice(1).join(' × ') : '')]));
    sw.charts.forEach(function (spec) { sweepChart(charts, sw, spec, xs); });
    sweepTable(section('Points'), sw);
    var scenarioBody = section('Scenario (first point)', true);
    scenarioBody.appendChild(el('pre', null, [sw.scenario_doc ? JSON.stringify(sw.scenario_doc, null, 2) : 'not available']));
  }

  // ---- self-test (#selftest): every chart drew something, and nothing went wrong ----
  function inked(canvas) {
    var ctx = canvas.getContext('2d');
    var pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    var coloured = 0;
    for (var i = 0; i < pixels.length; i += 4) {
      var r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
      // Series and markers are saturated colours; axes, grid and text are grey.
      if (pixels[i + 3] > 100 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    }
    return coloured;
  }
  function selftest() {
    var problems = window.fleetsimProblems.slice();
    var charts = document.querySelectorAll('[data-chart]');
    if (!charts.length) problems.push('no charts');
    Array.prototype.forEach.call(charts, function (c) {
      var name = c.getAttribute('data-chart');
      var canvas = c.querySelector('canvas'), picture = c.querySelector('svg');
      if (canvas) {
        if (!canvas.width || !canvas.height) problems.push(name + ': empty canvas');
        else if (inked(canvas) < 20) problems.push(name + ': nothing drawn');
      } else if (picture) {
        var box = picture.getBoundingClientRect();
        if (!box.width || !box.height || picture.querySelectorAll('rect, line, path, text').length < 2) problems.push(name + ': empty svg');
      } else {
        problems.push(name + ': no canvas or svg');
      }
      var expected = c.getAttribute('data-expect-error-bars');
      if (expected !== null) {
        var bars = c.parentNode.getAttribute('data-error-bars');
        if (bars !== expected) problems.push(name + ': ' + (bars || 0) + ' of ' + expected + ' error bars drawn');
      }
    });
    var verdictText = problems.length ? 'SELFTEST FAIL: ' + problems.join(' | ') : 'SELFTEST PASS: ' + charts.length + ' charts';
    document.title = verdictText;
    var out = el('pre', null, [verdictText]);
    out.id = 'selftest-verdict';
    document.body.appendChild(out);
  }

  try {
    if (data.view === 'sweep') sweepView(data.sweep);
    else if (data.view === 'comparison') comparisonView(data.runs);
    else if (data.view === 'validation') validationView(data.runs, data.validation || {});
    else runView(data.runs[0]);
  } catch (e) {
    window.fleetsimProblems.push('render: ' + (e && e.stack ? e.stack : e));
    root.appendChild(el('p', 'fail', ['This report could not be drawn: ' + e]));
  }
  window.addEventListener('resize', function () {
    plots.forEach(function (p) { p.plot.setSize({ width: chartWidth(p.parent), height: p.plot.height }); });
  });
  if (location.hash === '#selftest') {
    // uPlot draws on the next animation frame; check after it.
    requestAnimationFrame(function () { setTimeout(selftest, 50); });
  }
})();
