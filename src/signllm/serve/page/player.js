"use strict";
// Plays one generated clip on a canvas at its fps, looping. It draws whatever layout the API sends
// (points, edges, a group and a colour per point) the way signllm.render.draw does: seen from the front
// (x to the right, y down, depth dropped), fitted once per clip so motion shows as motion; thick body
// bones, thin lines in each point's colour for the face and hands, a dot on every hand point; body, then
// face, then hands on top. Sizes are those of the renderer, in pixels of a 256-pixel image.

const MARGIN = 0.08; // empty border around the fitted skeleton, as a fraction of the canvas side
const STYLES = { body: { width: 5, dot: 0, layer: 0 }, face: { width: 1, dot: 0, layer: 1 } };
const OTHER_STYLE = { width: 1.5, dot: 1.8, layer: 2 }; // hands, and any group not named above
const FACE_LINE = "#9696a0"; // the renderer's face outline, also for body bones within the face
const style = (group) => STYLES[group] || OTHER_STYLE;

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

  // clip: the JSON of POST /api/generate (frames, fps, layout).
  load(clip) {
    this.clip = clip;
    this.xy = project(clip.frames, clip.layout, this.canvas.width, this.canvas.height);
    this.strokes = strokes(clip.layout, inFace(this.xy, clip.layout.groups));
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
    const { groups, colours } = this.clip.layout;
    const pixels = Math.min(canvas.width, canvas.height) / 256;
    const visible = (point) => !Number.isNaN(xy[2 * point]);
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.lineCap = "round";
    context.lineJoin = "round";
    for (const { parent, child, colour, width } of this.strokes) {
      if (!visible(parent) || !visible(child)) continue;
      context.strokeStyle = colour;
      context.lineWidth = Math.max(width * pixels, 1);
      context.beginPath();
      context.moveTo(xy[2 * parent], xy[2 * parent + 1]);
      context.lineTo(xy[2 * child], xy[2 * child + 1]);
      context.stroke();
    }
    for (let point = 0; point < groups.length; point++) {
      const radius = style(groups[point]).dot * pixels;
      if (!radius || !visible(point)) continue;
      context.fillStyle = colours[point];
      context.beginPath();
      context.arc(xy[2 * point], xy[2 * point + 1], Math.max(radius, 1), 0, 2 * Math.PI);
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

// For each point: true for a point outside the face that lies within the face's box in most frames where
// it is seen (nose, eyes, ears of the body): its bones are drawn thin, so the face stays legible.
function inFace(xy, groups) {
  const face = groups.flatMap((group, point) => (group === "face" ? [point] : []));
  const within = groups.map(() => 0);
  const seen = groups.map(() => 0);
  for (const frame of xy) {
    const xs = face.map((point) => frame[2 * point]).filter((x) => !Number.isNaN(x));
    const ys = face.map((point) => frame[2 * point + 1]).filter((y) => !Number.isNaN(y));
    groups.forEach((group, point) => {
      const [x, y] = [frame[2 * point], frame[2 * point + 1]];
      if (group === "face" || Number.isNaN(x)) return;
      seen[point] += 1;
      const inside = xs.length && x >= Math.min(...xs) && x <= Math.max(...xs) && y >= Math.min(...ys) && y <= Math.max(...ys);
      within[point] += inside ? 1 : 0;
    });
  }
  return within.map((count, point) => count * 2 > seen[point]);
}

// The edges as strokes, bottom layer first: each in its child point's colour and its group's width.
function strokes(layout, faceBody) {
  const { groups, colours, edges } = layout;
  return edges
    .map(([parent, child]) => {
      const thin = faceBody[parent] || faceBody[child];
      const { width, layer } = style(thin ? "face" : groups[child]);
      return { parent, child, width, layer, colour: thin ? FACE_LINE : colours[child] };
    })
    .sort((a, b) => a.layer - b.layer);
}
