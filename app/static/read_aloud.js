// "Read aloud" buttons ([data-read-aloud], from partials/read_aloud.html): the browser's speech
// synthesis reads the button's text in the page's language. The buttons stay hidden (CSS) until
// this script finds speech synthesis, so nobody meets a button that cannot work.
(function () {
  "use strict";
  if (!window.speechSynthesis || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  var REGIONS = { da: "da-DK", en: "en-GB" };
  document.documentElement.classList.add("can-read-aloud");

  function language() {
    var lang = document.documentElement.lang || "da";
    return REGIONS[lang] || lang;
  }

  function voiceFor(lang) {
    var prefix = lang.split("-")[0];
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i += 1) {
      if (voices[i].lang && voices[i].lang.replace("_", "-").toLowerCase().indexOf(prefix) === 0) {
        return voices[i];
      }
    }
    return null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-read-aloud]") : null;
    if (!button) {
      return;
    }
    var text = button.getAttribute("data-read-aloud");
    if (!text) {
      return;
    }
    // A second tap while it speaks starts again, rather than queueing the text twice.
    window.speechSynthesis.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = language();
    var voice = voiceFor(utterance.lang);
    if (voice) {
      utterance.voice = voice;
    }
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  });
})();
