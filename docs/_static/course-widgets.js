// Loaded after require.js and before the ipywidgets HTML manager (embed-amd.js), on widget pages.
(function () {
  // 1. The manager's bundles find their fonts next to their own module URL, which require.js
  //    derives from the module name ("@jupyter-widgets/..."), i.e. relative to the page. Map those
  //    names to the copy this site serves (_static/vendor/html-manager/), at any page depth.
  var base = new URL("vendor/html-manager/", document.currentScript.src).href;
  window.__jupyter_widgets_assets_path__ = base;
  if (window.require && window.require.config) {
    var dir = base.replace(/\/$/, "");
    window.require.config({paths: {"@jupyter-widgets/html-manager/dist": dir, "@jupyter-widgets": dir}});
  }

  // 2. The widgets typeset their labels with MathJax 2's MathJax.Hub.Queue; the site runs
  //    MathJax 3. Give every MathJax object (the config, then MathJax itself, which replaces it)
  //    a hidden Hub whose Queue calls MathJax 3's typesetPromise.
  var hub = {
    Queue: function (job) {
      var mathjax = window.MathJax;
      var element = Array.isArray(job) ? job[2] : undefined;
      if (mathjax && typeof mathjax.typesetPromise === "function") {
        mathjax.typesetPromise(element ? [element] : undefined).catch(function () {});
      }
    },
  };
  function withHub(value) {
    if (value && typeof value === "object" && !("Hub" in value)) {
      Object.defineProperty(value, "Hub", {value: hub, enumerable: false, configurable: true, writable: true});
    }
    return value;
  }
  var current = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); },
  });
})();
