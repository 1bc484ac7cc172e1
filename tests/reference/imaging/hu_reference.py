"""HU reference for osler-imaging: pydicom's modality LUT on the shipped CT slice.

Regenerate (from the repository root, in a throwaway venv with pydicom and numpy):
    python3 -m venv /tmp/pyd && /tmp/pyd/bin/pip install pydicom numpy
    /tmp/pyd/bin/python tests/reference/imaging/hu_reference.py

Writes tests/reference/imaging/hu_reference.json: for each CT file, the pixel
array after pydicom.pixels.apply_modality_lut (float64), summarised by its
shape, min, max, sum, a few rows and the SHA-256 of its little-endian float64
bytes (row-major), so a test can assert every pixel is equal, not just close.

Also writes tests/reference/imaging/unsupported_jpeg2000.dcm: the MR sample
with its transfer syntax set to JPEG 2000 Lossless and a dummy encapsulated
fragment, a file whose pixel data osler cannot decode (no JPEG 2000 codec).
"""

import hashlib
import json
import pathlib

import numpy as np
import pydicom
from pydicom.encaps import encapsulate
from pydicom.pixels import apply_modality_lut
from pydicom.uid import JPEG2000Lossless

ROOT = pathlib.Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "datasets" / "imaging-dicom-samples"
OUT = pathlib.Path(__file__).resolve().parent

files = {}
for name in ["ct_thorax_slice_CT_small.dcm"]:
    ds = pydicom.dcmread(SAMPLES / name)
    hu = np.ascontiguousarray(apply_modality_lut(ds.pixel_array, ds), dtype="<f8")
    files[name] = {
        "rows": int(hu.shape[0]),
        "columns": int(hu.shape[1]),
        "rescale_slope": float(ds.RescaleSlope),
        "rescale_intercept": float(ds.RescaleIntercept),
        "hu_min": float(hu.min()),
        "hu_max": float(hu.max()),
        "hu_sum": float(hu.sum()),
        "row_0": hu[0].tolist(),
        "row_64": hu[64].tolist(),
        "sha256_f64le": hashlib.sha256(hu.tobytes()).hexdigest(),
    }

doc = {
    "generator": "tests/reference/imaging/hu_reference.py",
    "pydicom": pydicom.__version__,
    "numpy": np.__version__,
    "function": "pydicom.pixels.apply_modality_lut(ds.pixel_array, ds)",
    "files": files,
}
(OUT / "hu_reference.json").write_text(json.dumps(doc, indent=1) + "\n")

mr = pydicom.dcmread(SAMPLES / "mr_MR_small.dcm")
mr.file_meta.TransferSyntaxUID = JPEG2000Lossless
mr.PixelData = encapsulate([b"\xff\x4f\xff\x51" + bytes(60)])
mr["PixelData"].VR = "OB"
mr.save_as(OUT / "unsupported_jpeg2000.dcm", enforce_file_format=True)
