/* The company view (公司总览): draws the company's last twelve months — the share of deadlines
   kept and the deadlines broken — from the figures the page embeds (json_script
   #qc-company-data), in the page's own fonts so Chinese labels render; resizes with the page. */
(function () {
  "use strict";
  var source = document.getElementById("qc-company-data");
  var el = document.getElementById("qc-company-trend");
  if (!source || !el || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var font = window.getComputedStyle(document.body).fontFamily;
  var BRAND = "#1c5d99";
  var BREACH = "#c0392b";
  var INK = "#52606d";
  var LINE = "#e4e7eb";
  var narrow = window.innerWidth < 640;

  var chart = window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: font, color: INK },
    legend: { top: 0, data: data.names, textStyle: { color: INK } },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    // Tooltips drawn on the canvas: ECharts' HTML tooltips carry inline styles, which the
    // Content-Security-Policy (style-src 'self') refuses.
    tooltip: { trigger: "axis", renderMode: "richText" },
    xAxis: {
      type: "category",
      data: data.months,
      axisLabel: { color: INK, rotate: narrow ? 45 : 0 },
      axisTick: { alignWithLabel: true },
    },
    yAxis: [
      {
        type: "value",
        min: 0,
        max: 100,
        axisLabel: { color: INK, formatter: "{value}%" },
        splitLine: { lineStyle: { color: LINE } },
      },
      {
        type: "value",
        minInterval: 1,
        axisLabel: { color: INK },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: data.names[0],
        type: "line",
        data: data.shares,
        color: BRAND,
        connectNulls: false,
        symbolSize: narrow ? 4 : 6,
        tooltip: {
          valueFormatter: function (v) {
            return v === null || v === undefined ? "—" : v + "%";
          },
        },
      },
      {
        name: data.names[1],
        type: "line",
        yAxisIndex: 1,
        data: data.breaches,
        color: BREACH,
        symbolSize: narrow ? 4 : 6,
      },
    ],
  });

  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      chart.resize();
    }).observe(el);
  } else {
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }
})();
