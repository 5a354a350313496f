/*
 * The dashboard's charts (Apache ECharts, vendored, loaded on this page only). Each chart
 * reads its data from the json_script element named by its container's data-chart; the
 * table under it carries the same figures for screen readers and printouts. No inline
 * script: the Content-Security-Policy allows none.
 */
(function () {
  "use strict";

  var palette = ["#1d4ed8", "#f59e0b", "#059669", "#dc2626", "#7c3aed", "#0891b2"];

  function option(data) {
    var horizontal = data.type === "hbar";
    var categoryAxis = {
      type: "category",
      data: data.categories,
      axisLabel: { interval: 0, width: 110, overflow: "truncate", rotate: horizontal ? 0 : 30 },
      inverse: horizontal
    };
    var valueAxis = { type: "value" };
    var series = data.series.map(function (s, index) {
      var item = {
        name: s.name,
        type: data.type === "line" ? "line" : "bar",
        data: s.data
      };
      // 同比: the % change from the baseline on this period's bars.
      if (data.changes && index === 0) {
        item.label = {
          show: true,
          position: "top",
          formatter: function (p) {
            var c = data.changes[p.dataIndex];
            return c === null || c === undefined ? "" : (c > 0 ? "+" : "") + c + "%";
          }
        };
      }
      return item;
    });
    return {
      color: palette,
      tooltip: { trigger: "axis", confine: true },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      toolbox: { right: 0, top: 24, feature: { saveAsImage: { title: "⤓", name: data.title } } },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series
    };
  }

  function draw() {
    if (!window.echarts) {
      return;
    }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var data = JSON.parse(source.textContent);
      if (data.type === "hbar") {
        box.style.height = Math.max(180, 34 * data.categories.length + 70) + "px";
      }
      var chart = window.echarts.init(box, null, { renderer: "canvas" });
      chart.setOption(option(data));
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
