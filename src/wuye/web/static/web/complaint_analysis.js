/* Complaint analysis page (COMPLAINT-14): draws the ECharts charts from the figures the page
   embeds (json_script #complaint-analysis-data) in the page's own fonts, so Chinese labels
   render, and resizes them with their cards (phones, rotating, opening the menu). */
(function () {
  "use strict";
  var source = document.getElementById("complaint-analysis-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var font = window.getComputedStyle(document.body).fontFamily;
  var BRAND = "#1c5d99";
  var WARN = "#b7791f";
  var INK = "#52606d";
  var LINE = "#e4e7eb";
  var PALETTE = ["#1c5d99", "#2f9e8f", "#d98c00", "#c0392b", "#7b61c4", "#52606d"];
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

  function valueAxis() {
    return {
      type: "value",
      minInterval: 1,
      axisLabel: { color: INK },
      splitLine: { lineStyle: { color: LINE } },
    };
  }

  // A horizontal bar per label, the count and its share at the bar's end.
  function bars(id, set, color) {
    draw(id, {
      grid: { left: 8, right: 72, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: valueAxis(),
      yAxis: {
        type: "category",
        inverse: true,
        data: set.labels,
        axisTick: { show: false },
        axisLabel: { color: INK, width: narrow() ? 84 : 140, overflow: "truncate" },
      },
      series: [
        {
          name: set.name,
          type: "bar",
          data: set.values,
          itemStyle: { color: color, borderRadius: [0, 3, 3, 0] },
          barMaxWidth: 18,
          label: {
            show: true,
            position: "right",
            color: INK,
            formatter: function (p) {
              return p.value + "（" + set.pcts[p.dataIndex] + "）";
            },
          },
        },
      ],
    });
  }

  var types = data.types;
  draw("ca-chart-types", {
    color: PALETTE,
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        return p.name + "：" + p.value + "（" + p.data.pct + "）";
      },
    },
    legend: { bottom: 0, textStyle: { color: INK } },
    series: [
      {
        name: types.name,
        type: "pie",
        radius: narrow() ? ["30%", "58%"] : ["36%", "64%"],
        center: ["50%", "44%"],
        data: types.items,
        // On a phone the names are in the legend; the slices carry their shares.
        label: narrow()
          ? {
              position: "inside",
              color: "#fff",
              formatter: function (p) {
                return p.data.pct;
              },
            }
          : {
              color: INK,
              formatter: function (p) {
                return p.name + "\n" + p.data.pct;
              },
            },
      },
    ],
  });

  bars("ca-chart-subjects", data.subjects, WARN);
  bars("ca-chart-departments", data.departments, BRAND);

  var trend = data.trend;
  draw("ca-chart-trend", {
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: {
      type: "category",
      data: trend.labels,
      axisLabel: { color: INK, hideOverlap: true },
      axisLine: { lineStyle: { color: LINE } },
    },
    yAxis: valueAxis(),
    series: [
      {
        name: trend.name,
        type: "line",
        data: trend.values,
        color: BRAND,
        symbolSize: narrow() ? 5 : 7,
        label: { show: true, position: "top", color: INK },
        areaStyle: { opacity: 0.08 },
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
