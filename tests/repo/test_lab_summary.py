"""scripts/lab_summary.py, the end of make lab, on the fragments of a lab run (tests/fixtures/lab_observed.json)
written where the lab playbooks write them: it prints every host, network, pod and agent, and draws a topology SVG
that is valid XML and rasterizes (rsvg-convert) to a picture that is not empty. And the playbooks record, under the
names the summary reads, what the fixture holds."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(ROOT, "tests", "fixtures", "lab_observed.json")) as _f:
    FRAGMENTS = json.load(_f)["fragments"]
NETWORKS = ["cluster", "storage", "services", "bridged", "writeup2018"]


def png_pixels(data):
    """(width, height, [(r, g, b, a), ...]) of an 8-bit RGBA or RGB, non-interlaced PNG (what rsvg-convert writes),
    with the standard library only: chunks, zlib, the five scanline filters."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            bpp = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, prev, out = zlib.decompress(idat), width * bpp, bytearray(width * bpp), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += [tuple(line[x:x + bpp]) + ((255,) if bpp == 3 else ()) for x in range(0, stride, bpp)]
        prev = line
    return width, height, out


def run_summary(state):
    return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "lab_summary.py"), "--state", str(state),
                           "--inventory", os.path.join(ROOT, "inventories", "lab")], cwd=ROOT, capture_output=True,
                          text=True, check=False, env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg")))


@pytest.fixture(name="state")
def fixture_state(tmp_path):
    for rel, data in FRAGMENTS.items():
        path = tmp_path / "observed" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=4, sort_keys=True))  # as to_nice_json writes it
    return tmp_path


def test_summary_prints_every_host_network_pod_and_agent(state):
    res = run_summary(state)
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout
    for name in ["mh-cpl-1", "mh-cpl-2", "mh-cpl-3", "mh-wrk-1", "mh-wrk-2", "mh-wrk-3"] + NETWORKS:
        assert re.search(rf"\b{re.escape(name)}\b", out), name
    for frag in FRAGMENTS.values():
        if frag["kind"] == "pod":
            assert re.search(rf"^{re.escape(frag['pod'])}\s+{frag['node']}\s", out, re.M), frag["pod"]
    for agent in ("mh-wrk-1", "mh-wrk-2", "mh-wrk-3"):
        assert re.search(rf"^{agent}\s+longhorn-system/instance-manager-{agent}\s+198\.18\.50\.\d+/24\s+storage", out,
                         re.M), agent
    assert out.count("all as the subnets say") == 2
    assert out.splitlines()[-1] == f"Topology with observed addresses: {state}/summary/topology.svg"
    doc = json.loads((state / "summary" / "observed.json").read_text())
    assert len(doc["hosts"]) == 6 and len(doc["pods"]) == 14


@pytest.mark.skipif(not shutil.which("dot") or not shutil.which("rsvg-convert"),
                    reason="graphviz and librsvg2-bin are installed by make setup")
def test_topology_svg_is_valid_and_renders_to_a_picture(state, tmp_path):
    assert run_summary(state).returncode == 0
    svg = state / "summary" / "topology.svg"
    root = ET.parse(str(svg)).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for addr in ("198.18.40.11/24", "198.18.60.117/24", "198.18.50.145/24", "198.18.72.6/24"):
        assert addr in texts, addr
    png = tmp_path / "t.png"
    subprocess.run(["rsvg-convert", "-w", "600", "-f", "png", "-o", str(png), str(svg)], check=True)
    width, height, pixels = png_pixels(png.read_bytes())
    assert width == 600 and height > 200
    inked = sum(1 for r, g, b, a in pixels if a > 0 and min(r, g, b) < 200)
    assert 0.03 < inked / len(pixels) < 0.6, inked / len(pixels)  # lines, boxes and text; not a blank canvas


def test_png_pixels_reads_every_filter():
    """The decoder against a PNG written here with each scanline filter (0-4) on known pixels."""
    width, rows = 3, [[(255, 255, 255, 255), (0, 0, 0, 255), (10, 200, 30, 128)],
                      [(1, 2, 3, 4), (250, 251, 252, 253), (0, 0, 0, 0)]] * 3
    raw, prev = b"", bytes(width * 4)
    for y, row in enumerate(rows[:5]):
        line, kind, enc = bytes(v for px in row for v in px), y % 5, bytearray()
        for i, v in enumerate(line):
            a, b = line[i - 4] if i >= 4 else 0, prev[i]
            c = prev[i - 4] if i >= 4 else 0
            p = a + b - c
            pred = [0, a, b, (a + b) // 2,
                    a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c)
                    else c][kind]
            enc.append((v - pred) & 255)
        raw += bytes([kind]) + bytes(enc)
        prev = line

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, 5, 8, 6, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    assert png_pixels(data) == (3, 5, [px for row in rows[:5] for px in row])


def test_nothing_observed_is_said_not_failed(tmp_path):
    res = run_summary(tmp_path)
    assert res.returncode == 0 and "(nothing observed" in res.stdout


def test_the_lab_playbooks_record_what_the_summary_reads():
    """Each kind of fragment in the fixture is written by a "Record:" task of the lab playbooks with the same keys."""
    text = ""
    for name in ("prove_pod_networks.yml", "reproduce_writeups.yml"):
        with open(os.path.join(ROOT, "tests", "lab", name)) as f:
            text += json.dumps(yaml.safe_load(f))
    kinds = set(re.findall(r"'kind': '(\w+)'", text))
    for frag in FRAGMENTS.values():
        assert frag["kind"] in kinds, frag["kind"]
        for key in frag:
            if frag["kind"] == "longhorn" and key != "kind":
                continue  # the stand-in's output, combined in as it printed it
            assert f"'{key}':" in text, (frag["kind"], key)
