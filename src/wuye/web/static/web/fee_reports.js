/* Fee reports (收缴率, 收入构成, 各项目对比): draws the ECharts charts from the figures the page
   embeds (json_script #fee-report-data), each only where the page has its container, in the
   page's own fonts so Chinese labels render, and resizes them with the page (phones). The
   exact figures are in the tables; the charts only picture them. */
(function () {
  "use strict";
  var source = document.getElementById("fee-report-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var font = window.getComputedStyle(document.body).fontFamily;
  var BRAND = "#1c5d99";
  var OK = "#1e7b45";
  var WARN = "#b7791f";
  var PALE = "#9fb7d3";
  var INK = "#52606d";
  var LINE = "#e4e7eb";
  var PALETTE = [BRAND, OK, WARN, "#8e44ad", "#c0392b", "#16a085", "#7f8c8d"];
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

  function yuan(v) {
    if (v === null || v === undefined || v === "-") return "—";
    return "¥" + Number(v).toLocaleString("zh-CN", {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
  }

  function percent(v) {
    if (v === null || v === undefined || v === "-") return "—";
    return Number(v).toFixed(2) + "%";
  }

  function gaps(values) {
    return values.map(function (v) {
      return v === null ? "-" : v;
    });
  }

  var months = data.months;
  if (months) {
    draw("fee-chart-months", {
      color: [PALE, BRAND, OK],
      grid: { left: 8, right: 8, top: 52, bottom: 8, containLabel: true },
      legend: { top: 0, data: months.names, textStyle: { color: INK } },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var lines = [items[0].axisValue];
          items.forEach(function (p) {
            var text = p.seriesIndex === 2 ? percent(p.value) : yuan(p.value);
            lines.push(p.marker + p.seriesName + " " + text);
          });
          return lines.join("\n");
        },
      },
      xAxis: {
        type: "category",
        data: months.labels,
        axisLabel: { color: INK, hideOverlap: true },
        axisLine: { lineStyle: { color: LINE } },
      },
      yAxis: [
        {
          type: "value",
          axisLabel: { color: INK, show: !narrow() },
          splitLine: { lineStyle: { color: LINE } },
        },
        {
          type: "value",
          min: 0,
          max: 100,
          interval: 25,
          axisLabel: { color: INK, formatter: "{value}%" },
          splitLine: { show: false },
        },
      ],
      series: [
        { name: months.names[0], type: "bar", data: months.due, barMaxWidth: 18 },
        { name: months.names[1], type: "bar", data: months.received, barMaxWidth: 18 },
        {
          name: months.names[2],
          type: "line",
          yAxisIndex: 1,
          data: gaps(months.rate),
          connectNulls: false,
          symbolSize: narrow() ? 5 : 7,
          label: {
            show: !narrow() && months.labels.length <= 12,
            position: "top",
            color: INK,
            formatter: function (p) {
              return percent(p.value);
            },
          },
        },
      ],
    });
  }

  var channels = data.channels;
  if (channels) {
    draw("fee-chart-channels", {
      color: PALETTE,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          return p.marker + p.name + " " + yuan(p.value) + "（" + p.percent + "%）";
        },
      },
      legend: { bottom: 0, textStyle: { color: INK } },
      series: [
        {
          name: channels.name,
          type: "pie",
          radius: narrow() ? ["24%", "46%"] : ["35%", "68%"],
          center: ["50%", "45%"],
          data: channels.data,
          label: { color: INK, formatter: "{b}\n{d}%", overflow: "none" },
          labelLayout: { hideOverlap: true },
        },
      ],
    });
  }

  var items = data.items;
  if (items) {
    draw("fee-chart-items", {
      grid: { left: 8, right: 72, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: yuan,
      },
      xAxis: {
        type: "value",
        axisLabel: { color: INK, show: !narrow() },
        splitLine: { lineStyle: { color: LINE } },
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: items.labels,
        axisTick: { show: false },
        axisLabel: { color: INK },
      },
      series: [
        {
          name: items.name,
          type: "bar",
          data: items.values,
          itemStyle: { color: BRAND, borderRadius: [0, 3, 3, 0] },
          barMaxWidth: 18,
          label: {
            show: true,
            position: "right",
            color: INK,
            formatter: function (p) {
              return yuan(p.value);
            },
          },
        },
      ],
    });
  }

  var estates = data.estates;
  if (estates) {
    var el = document.getElementById("fee-chart-estates");
    if (el) el.style.height = Math.max(260, 60 + estates.labels.length * 44) + "px";
    draw("fee-chart-estates", {
      color: [BRAND, OK],
      grid: { left: 8, right: 56, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, data: estates.names, textStyle: { color: INK } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: percent },
      xAxis: {
        type: "value",
        min: 0,
        max: 100,
        interval: narrow() ? 25 : 20,
        axisLabel: { color: INK, formatter: "{value}%" },
        splitLine: { lineStyle: { color: LINE } },
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: estates.labels,
        axisTick: { show: false },
        axisLabel: { color: INK, width: narrow() ? 90 : 160, overflow: "truncate" },
      },
      series: [
        {
          name: estates.names[0],
          type: "bar",
          data: gaps(estates.rate),
          barMaxWidth: 14,
          label: {
            show: true,
            position: "right",
            color: INK,
            formatter: function (p) {
              return percent(p.value);
            },
          },
        },
        { name: estates.names[1], type: "bar", data: gaps(estates.ytd), barMaxWidth: 14 },
      ],
    });
  }

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
