/* Draw each dashboard chart from the table beside it (no inline script: CSP script-src 'self').
 * <figure data-chart="bar|hbar|line|doughnut|stacked" id="chart-x"> holds the canvas;
 * <table data-chart-for="chart-x"> holds the figures: the row header is the label and every
 * column whose <th> has data-plot is a series; cells carry their number in data-value. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var Chart = window.Chart;
  var PALETTE = ["#256ef4", "#e8743b", "#19a979", "#945ecf", "#d6336c", "#13a4b4",
                 "#525df4", "#b8860b", "#6c8893", "#2f9e44", "#c2255c", "#1971c2"];

  Chart.defaults.font.family = "'Pretendard GOV', 'Pretendard', system-ui, sans-serif";
  Chart.defaults.color = "#1e2124";
  Chart.defaults.animation = false;

  function shortener(width) {
    // Long body names would push the bars off a phone's screen; the table has them whole.
    var max = width < 500 ? 8 : 16;
    return function (text) { return text.length > max ? text.slice(0, max - 1) + "…" : text; };
  }

  function read(table, limit) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    if (limit) { rows = rows.slice(0, limit); }
    var labels = rows.map(function (r) { return r.cells[0].textContent.trim(); });
    var series = [];
    heads.forEach(function (th, index) {
      if (!th.hasAttribute("data-plot")) { return; }
      series.push({
        label: th.textContent.trim(),
        kind: th.getAttribute("data-kind"),
        data: rows.map(function (r) {
          var raw = r.cells[index].getAttribute("data-value");
          return raw === null || raw === "" ? null : Number(raw);
        })
      });
    });
    return { labels: labels, series: series };
  }

  function config(kind, data, width) {
    var shorten = shortener(width);
    var doughnut = kind === "doughnut";
    var datasets = data.series.map(function (s, n) {
      var colour = PALETTE[n % PALETTE.length];
      return {
        label: s.label,
        data: s.data,
        backgroundColor: doughnut ? data.labels.map(function (_, i) { return PALETTE[i % PALETTE.length]; }) : colour,
        borderColor: doughnut ? "#fff" : colour,
        borderWidth: kind === "line" ? 2 : 1,
        pointRadius: kind === "line" ? 2 : undefined,
        tension: 0.2
      };
    });
    var percent = data.series.some(function (s) { return s.kind === "percent"; });
    var cfg = {
      type: doughnut ? "doughnut" : (kind === "line" ? "line" : "bar"),
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: doughnut || datasets.length > 1, position: "bottom" } }
      }
    };
    if (!doughnut) {
      var valueAxis = { beginAtZero: true, stacked: kind === "stacked" };
      if (percent) { valueAxis.max = 100; }
      var labelAxis = { stacked: kind === "stacked", ticks: { autoSkip: kind === "line",
        callback: function (value) { return shorten(this.getLabelForValue(value)); } } };
      if (kind === "hbar") {
        cfg.options.indexAxis = "y";
        cfg.options.scales = { x: valueAxis, y: labelAxis };
      } else {
        cfg.options.scales = { x: labelAxis, y: valueAxis };
      }
    }
    return cfg;
  }

  document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
    var table = document.querySelector('table[data-chart-for="' + figure.id + '"]');
    var canvas = figure.querySelector("canvas");
    if (!table || !canvas) { return; }
    var kind = figure.getAttribute("data-chart");
    var limit = kind === "hbar" ? parseInt(figure.getAttribute("data-chart-top") || "15", 10) : 0;
    var data = read(table, limit);
    if (!data.labels.length || !data.series.length) { return; }
    if (kind === "hbar") {
      // One bar row per label: the chart grows with the list instead of squeezing it.
      canvas.parentNode.style.height = (data.labels.length * data.series.length * 22 + 70) + "px";
    }
    new Chart(canvas, config(kind, data, canvas.parentNode.clientWidth));
    figure.classList.add("rf-chart-drawn");
  });
}());
