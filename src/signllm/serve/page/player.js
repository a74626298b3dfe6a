"use strict";
// Plays one generated clip on a canvas at its fps, looping. It draws what the API sends: the strokes
// signllm.render.draw computed for the clip (polylines, bottom to top, each with its colour and width) and a
// dot on the layout's dot points, seen from the front (x to the right, y down, depth dropped), fitted once per
// clip so motion shows as motion. Widths and radii are in pixels of a 256-pixel image, as the renderer's.

const MARGIN = 0.08; // empty border around the fitted skeleton, as a fraction of the canvas side

class Player {
  constructor(canvas, onFrame) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.onFrame = onFrame; // called with (frame, number of frames) whenever the shown frame changes
    this.clip = null;
    this.speed = 1;
    this.playing = false;
    this.position = 0; // in frames, fractional while playing
    this.shown = -1;
    this.tick = this.tick.bind(this);
  }

  // clip: the JSON of POST /api/generate (frames, fps, layout, strokes).
  load(clip) {
    this.clip = clip;
    this.xy = project(clip.frames, clip.layout, this.canvas.width, this.canvas.height);
    this.position = 0;
    this.shown = -1;
    this.show(0);
    this.play();
  }

  play() {
    if (!this.clip || this.playing) return;
    this.playing = true;
    this.last = null;
    requestAnimationFrame(this.tick);
  }

  pause() {
    this.playing = false;
  }

  seek(frame) {
    this.position = frame;
    this.show(frame);
  }

  tick(now) {
    if (!this.playing) return;
    if (this.last !== null) {
      const frames = this.clip.frames.length;
      this.position = (this.position + ((now - this.last) / 1000) * this.clip.fps * this.speed) % frames;
      this.show(Math.floor(this.position));
    }
    this.last = now;
    requestAnimationFrame(this.tick);
  }

  show(frame) {
    if (frame === this.shown) return;
    this.shown = frame;
    this.draw(this.xy[frame]);
    this.canvas.dataset.frame = String(frame);
    this.onFrame(frame, this.clip.frames.length);
  }

  draw(xy) {
    const { context, canvas } = this;
    const { colours, dots, dot_radius: dotRadius } = this.clip.layout;
    const pixels = Math.min(canvas.width, canvas.height) / 256;
    const visible = (point) => !Number.isNaN(xy[2 * point]);
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.lineCap = "round";
    context.lineJoin = "round";
    for (const { points, colour, width } of this.clip.strokes) {
      context.strokeStyle = colour;
      context.lineWidth = Math.max(width * pixels, 1);
      context.beginPath();
      for (let k = 1; k < points.length; k++) {
        const [from, to] = [points[k - 1], points[k]];
        if (!visible(from) || !visible(to)) continue; // a missing point breaks the line
        context.moveTo(xy[2 * from], xy[2 * from + 1]);
        context.lineTo(xy[2 * to], xy[2 * to + 1]);
      }
      context.stroke();
    }
    const radius = Math.max(dotRadius * pixels, 1);
    for (const point of dots) {
      if (!visible(point)) continue;
      context.fillStyle = colours[point];
      context.beginPath();
      context.arc(xy[2 * point], xy[2 * point + 1], radius, 0, 2 * Math.PI);
      context.fill();
    }
  }
}

// Frames (T lists of points x dims numbers, null where missing) -> T Float32Arrays of canvas x, y
// (NaN where missing), with one uniform scale and centre for the whole clip.
function project(frames, layout, width, height) {
  const { points, dims } = layout;
  let low = [Infinity, Infinity];
  let high = [-Infinity, -Infinity];
  for (const frame of frames) {
    for (let point = 0; point < points; point++) {
      const x = frame[point * dims];
      const y = frame[point * dims + 1];
      if (x === null || y === null) continue;
      low = [Math.min(low[0], x), Math.min(low[1], y)];
      high = [Math.max(high[0], x), Math.max(high[1], y)];
    }
  }
  const border = MARGIN * Math.min(width, height);
  const zoom = Math.min(
    (width - 2 * border) / Math.max(high[0] - low[0], 1e-9),
    (height - 2 * border) / Math.max(high[1] - low[1], 1e-9),
  );
  const centre = [width / 2 - (zoom * (low[0] + high[0])) / 2, height / 2 - (zoom * (low[1] + high[1])) / 2];
  return frames.map((frame) => {
    const xy = new Float32Array(2 * points);
    for (let point = 0; point < points; point++) {
      const x = frame[point * dims];
      const y = frame[point * dims + 1];
      const missing = x === null || y === null;
      xy[2 * point] = missing ? NaN : x * zoom + centre[0];
      xy[2 * point + 1] = missing ? NaN : y * zoom + centre[1];
    }
    return xy;
  });
}
