/* Repair KPIs page: draws the ECharts charts from the figures the page embeds (json_script
   #kpi-data), in the page's own fonts so Chinese labels render, and resizes them with the page
   (phones, rotating, opening the menu). */
(function () {
  "use strict";
  var source = document.getElementById("kpi-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var font = window.getComputedStyle(document.body).fontFamily;
  var BRAND = "#1c5d99";
  var OK = "#1e7b45";
  var INK = "#52606d";
  var LINE = "#e4e7eb";
  var charts = [];

  function narrow() {
    return window.innerWidth < 640;
  }

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: font, color: INK };
    option.animation = false;
    // Tooltips drawn on the canvas: ECharts' HTML tooltips carry inline styles, which the
    // Content-Security-Policy (style-src 'self') refuses.
    if (option.tooltip) option.tooltip.renderMode = "richText";
    chart.setOption(option);
    charts.push(chart);
  }

  function valueAxis(extra) {
    var axis = {
      type: "value",
      minInterval: 1,
      axisLabel: { color: INK },
      splitLine: { lineStyle: { color: LINE } },
    };
    for (var key in extra) axis[key] = extra[key];
    return axis;
  }

  var category = data.category;
  draw("kpi-chart-category", {
    grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: valueAxis({}),
    yAxis: {
      type: "category",
      inverse: true,
      data: category.labels,
      axisTick: { show: false },
      axisLabel: { color: INK },
    },
    series: [
      {
        name: category.name,
        type: "bar",
        data: category.values,
        itemStyle: { color: BRAND, borderRadius: [0, 3, 3, 0] },
        barMaxWidth: 18,
        label: { show: true, position: "right", color: INK },
      },
    ],
  });

  var clocks = data.clocks;
  draw("kpi-chart-clocks", {
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: function (v) {
        return v === null || v === undefined ? "—" : v + "%";
      },
    },
    xAxis: valueAxis({
      max: 100,
      interval: narrow() ? 25 : 20,
      axisLabel: { color: INK, formatter: "{value}%" },
    }),
    yAxis: {
      type: "category",
      inverse: true,
      data: clocks.labels,
      axisTick: { show: false },
      axisLabel: { color: INK, lineHeight: 16 },
    },
    series: [
      {
        name: clocks.name,
        type: "bar",
        data: clocks.values.map(function (v) {
          return v === null ? "-" : v;
        }),
        itemStyle: { color: OK, borderRadius: [0, 3, 3, 0] },
        barMaxWidth: 18,
        label: {
          show: true,
          position: "right",
          color: INK,
          formatter: function (p) {
            return p.value === "-" ? "—" : p.value + "%";
          },
        },
      },
    ],
  });

  var daily = data.daily;
  draw("kpi-chart-daily", {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, data: daily.names, textStyle: { color: INK } },
    tooltip: { trigger: "axis" },
    xAxis: {
      type: "category",
      boundaryGap: false,
      data: daily.dates,
      axisLabel: { color: INK, hideOverlap: true },
      axisLine: { lineStyle: { color: LINE } },
    },
    yAxis: valueAxis({}),
    series: [
      {
        name: daily.names[0],
        type: "line",
        data: daily.reported,
        color: BRAND,
        showSymbol: daily.dates.length <= 31,
        symbolSize: narrow() ? 4 : 6,
      },
      {
        name: daily.names[1],
        type: "line",
        data: daily.completed,
        color: OK,
        showSymbol: daily.dates.length <= 31,
        symbolSize: narrow() ? 4 : 6,
      },
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
