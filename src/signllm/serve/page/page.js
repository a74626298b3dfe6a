"use strict";
// The page: asks the API for the checkpoint's languages, sends a text (or prompt) to POST /api/generate,
// plays the answer with Player, and points the download buttons at GET /api/generate.<format>.

const $ = (id) => document.getElementById(id);
const FROM_PROMPT = ""; // the language option that leaves the choice to the prompt

const player = new Player($("stage"), (frame, frames) => {
  $("scrub").max = String(frames - 1);
  $("scrub").value = String(frame);
  $("frame").textContent = `${frame + 1} / ${frames}`;
});

function say(message, isError = false) {
  $("status").textContent = message;
  $("status").classList.toggle("error", isError);
}

async function detail(response) {
  try {
    return (await response.json()).detail;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

async function loadLanguages() {
  const response = await fetch("/api/languages");
  if (!response.ok) return say(await detail(response), true);
  const info = await response.json();
  for (const language of info.languages) {
    const label = language.name === language.code ? language.code : `${language.code}: ${language.name}`;
    $("language").add(new Option(label, language.code));
  }
  $("text").maxLength = info.max_text_length;
  for (const format of info.formats) {
    const link = document.createElement("a");
    link.id = `download-${format}`;
    link.dataset.format = format;
    link.textContent = `.${format}`;
    $("downloads").append(link);
  }
  say("Type a sentence, choose a sign language and press Generate.");
}

function togglePrompt() {
  const select = $("language");
  const auto = [...select.options].find((option) => option.value === FROM_PROMPT);
  if ($("prompt").checked && !auto) select.add(new Option("from the prompt", FROM_PROMPT), 0);
  if (!$("prompt").checked && auto) auto.remove();
}

async function generate(event) {
  event.preventDefault();
  const request = { text: $("text").value, prompt: $("prompt").checked };
  if ($("language").value !== FROM_PROMPT) request.language = $("language").value;
  $("generate").disabled = true;
  say("Generating…");
  try {
    const response = await fetch("/api/generate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    if (!response.ok) return say(await detail(response), true);
    const clip = await response.json();
    say(`${clip.num_frames} frames at ${clip.fps} fps, ${clip.language}`);
    const query = new URLSearchParams({ text: request.text, language: clip.language, prompt: request.prompt });
    for (const link of $("downloads").querySelectorAll("a")) {
      link.href = `/api/generate.${link.dataset.format}?${query}`;
    }
    $("downloads").hidden = false;
    $("play").disabled = $("scrub").disabled = false;
    $("play").textContent = "Pause";
    player.load(clip);
  } catch (error) {
    say(`cannot reach the server: ${error.message}`, true);
  } finally {
    $("generate").disabled = false;
  }
}

$("request").addEventListener("submit", generate);
$("prompt").addEventListener("change", togglePrompt);
$("play").addEventListener("click", () => {
  if (player.playing) player.pause();
  else player.play();
  $("play").textContent = player.playing ? "Pause" : "Play";
});
$("scrub").addEventListener("input", () => {
  player.pause();
  $("play").textContent = "Play";
  player.seek(Number($("scrub").value));
});
$("speed").addEventListener("change", () => {
  player.speed = Number($("speed").value);
});
loadLanguages();
