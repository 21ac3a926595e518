/* Wuye signature pad (workflow/partials/signature_field.html): draw with a finger, a pen or a
   mouse (pointer events); 清除 clears; on submit the drawing goes into the hidden input
   "signature" as a PNG data URL (left empty when nothing was drawn). Delegated and idempotent:
   the partial may be included, or swapped in by htmx, any number of times. */
(function () {
  "use strict";
  if (window.wuyeSignaturePad) return;
  window.wuyeSignaturePad = true;

  var strokes = new WeakMap(); // canvas -> {drawing, last, dirty}

  function state(canvas) {
    var s = strokes.get(canvas);
    if (!s) {
      s = { drawing: false, last: null, dirty: false };
      strokes.set(canvas, s);
    }
    return s;
  }

  // Canvas pixels, whatever size CSS gives the canvas on this screen.
  function point(canvas, event) {
    var rect = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * canvas.width) / rect.width,
      y: ((event.clientY - rect.top) * canvas.height) / rect.height,
      scale: canvas.width / rect.width,
    };
  }

  function line(canvas, from, to) {
    var ctx = canvas.getContext("2d");
    ctx.strokeStyle = "#1f2933";
    ctx.lineWidth = 2.5 * to.scale;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  }

  function pad(target) {
    return target instanceof Element ? target.closest("canvas.signature-pad") : null;
  }

  document.addEventListener("pointerdown", function (event) {
    var canvas = pad(event.target);
    if (!canvas || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    var s = state(canvas);
    s.drawing = true;
    s.last = point(canvas, event);
    line(canvas, s.last, { x: s.last.x + 0.1, y: s.last.y + 0.1, scale: s.last.scale }); // a dot
    s.dirty = true;
    if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
    var field = canvas.closest("[data-signature]");
    var error = field && field.querySelector("[data-signature-error]");
    if (error) error.hidden = true;
  });

  document.addEventListener("pointermove", function (event) {
    var canvas = pad(event.target);
    if (!canvas) return;
    var s = state(canvas);
    if (!s.drawing) return;
    event.preventDefault();
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    if (!events.length) events = [event];
    events.forEach(function (e) {
      var p = point(canvas, e);
      line(canvas, s.last, p);
      s.last = p;
    });
  });

  function stop(event) {
    var canvas = pad(event.target);
    if (canvas) state(canvas).drawing = false;
  }
  document.addEventListener("pointerup", stop);
  document.addEventListener("pointercancel", stop);

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-signature-clear]");
    if (!button) return;
    var field = button.closest("[data-signature]");
    var canvas = field && field.querySelector("canvas.signature-pad");
    if (!canvas) return;
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    state(canvas).dirty = false;
    field.querySelector('input[name="signature"]').value = "";
  });

  // On the window, in the capture phase: before wuye.js locks the form for its one submit, so a
  // missing signature can stop the submit without leaving the form locked.
  window.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      form.querySelectorAll("[data-signature]").forEach(function (field) {
        var canvas = field.querySelector("canvas.signature-pad");
        var input = field.querySelector('input[name="signature"]');
        var dirty = canvas && state(canvas).dirty;
        input.value = dirty ? canvas.toDataURL("image/png") : "";
        if (!dirty && field.hasAttribute("data-required") && !event.defaultPrevented) {
          event.preventDefault();
          event.stopPropagation();
          var error = field.querySelector("[data-signature-error]");
          if (error) {
            error.textContent = field.getAttribute("data-required-message");
            error.hidden = false;
          }
          canvas.scrollIntoView({ block: "center" });
        }
      });
    },
    true
  );
})();
