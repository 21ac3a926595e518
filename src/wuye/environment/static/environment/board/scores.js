/* Environment monthly scores (环境月度考核): draws the ECharts charts from the figures the page
   embeds (json_script #env-scores-data): a bar per zone (average score and on-time rate) and the
   last twelve months as lines. No inline script (Content-Security-Policy). */
(function () {
  "use strict";
  var source = document.getElementById("env-scores-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var font = window.getComputedStyle(document.body).fontFamily;
  var BRAND = "#1c5d99";
  var OK = "#1e7b45";
  var INK = "#52606d";
  var LINE = "#e4e7eb";
  var charts = [];

  function dash(values) {
    return values.map(function (v) {
      return v === null ? "-" : v;
    });
  }

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: font, color: INK };
    option.animation = false;
    // Tooltips drawn on the canvas: HTML tooltips carry inline styles the CSP refuses.
    if (option.tooltip) option.tooltip.renderMode = "richText";
    chart.setOption(option);
    charts.push(chart);
  }

  var valueAxis = {
    type: "value",
    min: 0,
    max: 100,
    axisLabel: { color: INK },
    splitLine: { lineStyle: { color: LINE } },
  };

  var places = data.places;
  draw("env-chart-places", {
    grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, data: places.names, textStyle: { color: INK } },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: valueAxis,
    yAxis: {
      type: "category",
      inverse: true,
      data: places.labels,
      axisTick: { show: false },
      axisLabel: { color: INK },
    },
    series: [
      {
        name: places.names[0],
        type: "bar",
        data: dash(places.average),
        itemStyle: { color: BRAND },
        barMaxWidth: 14,
        label: { show: true, position: "right", color: INK },
      },
      {
        name: places.names[1],
        type: "bar",
        data: dash(places.completion),
        itemStyle: { color: OK },
        barMaxWidth: 14,
      },
    ],
  });

  var trend = data.trend;
  draw("env-chart-trend", {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, data: trend.names, textStyle: { color: INK } },
    tooltip: { trigger: "axis" },
    xAxis: {
      type: "category",
      boundaryGap: false,
      data: trend.months,
      axisLabel: { color: INK, hideOverlap: true },
      axisLine: { lineStyle: { color: LINE } },
    },
    yAxis: valueAxis,
    series: [
      { name: trend.names[0], type: "line", data: dash(trend.average), color: BRAND, connectNulls: true },
      { name: trend.names[1], type: "line", data: dash(trend.completion), color: OK, connectNulls: true },
    ],
  });

  function resizeAll() {
    charts.forEach(function (chart) {
      chart.resize();
    });
  }
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(resizeAll);
    charts.forEach(function (chart) {
      observer.observe(chart.getDom());
    });
  } else {
    window.addEventListener("resize", resizeAll);
  }
})();
