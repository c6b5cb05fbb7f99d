/* Manager reports: draw each chart from the JSON the page carries (#report-charts).
   A click on a bar or point opens the conversations behind it (the URL the server gave it). */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("report-charts");
    if (!source || typeof window.Chart === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    window.helpdeskReportCharts = [];
    charts.forEach(function (spec) {
      var canvas = document.querySelector('canvas[data-chart="' + spec.id + '"]');
      if (!canvas) { return; }
      var chart = new window.Chart(canvas, {
        type: spec.kind,
        data: {
          labels: spec.labels,
          datasets: [{ label: spec.column, data: spec.values, borderWidth: 1, fill: false,
                       backgroundColor: "rgba(65, 118, 144, 0.6)",
                       borderColor: "rgba(65, 118, 144, 1)" }]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false }, title: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          onHover: function (event, elements) {
            event.native.target.style.cursor = elements.length ? "pointer" : "default";
          },
          onClick: function (event, elements) {
            if (!elements.length) { return; }
            var url = spec.urls[elements[0].index];
            if (url) { window.location.assign(url); }
          }
        }
      });
      window.helpdeskReportCharts.push(chart);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
