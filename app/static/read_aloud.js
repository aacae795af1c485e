// "Read aloud" buttons ([data-read-aloud], from partials/read_aloud.html): the browser's speech
// synthesis reads the button's text in the page's language. The buttons stay hidden (CSS) until
// this script finds speech synthesis, so nobody meets a button that cannot work. Where the device
// has no voice for the page's language, the page says so beside the button instead of reading
// Danish with an English voice (which no Danish listener can follow).
(function () {
  "use strict";
  if (!window.speechSynthesis || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  var REGIONS = { da: "da-DK", en: "en-GB" };
  // Browsers fill in their voices after the page loads; an empty list waits this long for them.
  var VOICES_WAIT_MS = 1500;
  document.documentElement.classList.add("can-read-aloud");

  function language() {
    var lang = document.documentElement.lang || "da";
    return REGIONS[lang] || lang;
  }

  function voiceFor(lang) {
    var prefix = lang.split("-")[0].toLowerCase();
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i += 1) {
      var own = (voices[i].lang || "").replace("_", "-").toLowerCase();
      if (own === prefix || own.indexOf(prefix + "-") === 0) {
        return voices[i];
      }
    }
    return null;
  }

  // Calls back once the browser has a list of voices (at once when it has one already).
  function withVoices(callback) {
    if ((window.speechSynthesis.getVoices() || []).length) {
      callback();
      return;
    }
    var done = false;
    function finish() {
      if (done) return;
      done = true;
      window.speechSynthesis.removeEventListener("voiceschanged", finish);
      callback();
    }
    if (window.speechSynthesis.addEventListener) {
      window.speechSynthesis.addEventListener("voiceschanged", finish);
    }
    window.setTimeout(finish, VOICES_WAIT_MS);
  }

  function sayNoVoice(button) {
    var row = button.parentNode;
    if (!row || (row.nextElementSibling && row.nextElementSibling.classList.contains("read-aloud-no-voice"))) {
      return;
    }
    var template = document.getElementById("read-aloud-no-voice");
    if (template && template.content) {
      row.parentNode.insertBefore(template.content.firstElementChild.cloneNode(true), row.nextSibling);
    }
  }

  function speak(button, text) {
    var lang = language();
    var voice = voiceFor(lang);
    if (!voice) {
      sayNoVoice(button);
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    utterance.voice = voice;
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
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
    withVoices(function () {
      speak(button, text);
    });
  });
})();
