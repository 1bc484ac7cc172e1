"""Reference values of osler_eval::multiclass_metrics from scikit-learn.

Writes one JSON file per case next to this script: the inputs (labels,
row-major probabilities) and scikit-learn's values of every metric, the
argmax classes and the confusion matrix. Run from this folder:

    python make_multiclass.py
"""

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    roc_auc_score,
)

HERE = Path(__file__).resolve().parent


def hand_ties():
    """Eight rows, three classes: tied probabilities within rows (argmax ties
    go to the lowest index) and across rows (ties in every one-vs-rest
    ranking), and one confidently wrong row (p = 0 for the true class, so the
    log loss is clipped at machine epsilon)."""
    labels = [0, 1, 2, 0, 1, 2, 1, 0]
    probabilities = [
        [0.4, 0.4, 0.2],
        [0.4, 0.4, 0.2],
        [0.2, 0.4, 0.4],
        [0.5, 0.25, 0.25],
        [1.0, 0.0, 0.0],
        [0.25, 0.25, 0.5],
        [0.2, 0.6, 0.2],
        [0.2, 0.4, 0.4],
    ]
    return labels, np.array(probabilities)


def seeded_3class():
    """300 rows, three classes; probabilities are multiples of 1/100 (integer
    shares of 100), so ties within and across rows are common."""
    rng = np.random.default_rng(20261207)
    n, k = 300, 3
    labels = rng.integers(0, k, size=n)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), labels] += 1.0
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    shares = np.floor(p * 100).astype(int)
    shares[:, -1] = 100 - shares[:, :-1].sum(axis=1)
    return labels.tolist(), shares / 100.0


def imbalanced_5class():
    """400 rows, five classes, class 4 only about 2% of the rows; full-precision
    softmax probabilities."""
    rng = np.random.default_rng(7)
    n, k = 400, 5
    labels = rng.choice(k, size=n, p=[0.35, 0.25, 0.2, 0.18, 0.02])
    logits = rng.normal(scale=1.5, size=(n, k))
    logits[np.arange(n), labels] += 1.2
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return labels.tolist(), p


def expected(labels, p):
    k = p.shape[1]
    assert sorted(set(labels)) == list(range(k)), "every class must occur"
    classes = list(range(k))
    predicted = np.argmax(p, axis=1)
    return {
        "accuracy": accuracy_score(labels, predicted),
        "balanced_accuracy": balanced_accuracy_score(labels, predicted),
        "macro_auroc": roc_auc_score(
            labels, p, multi_class="ovr", average="macro", labels=classes
        ),
        "weighted_auroc": roc_auc_score(
            labels, p, multi_class="ovr", average="weighted", labels=classes
        ),
        "log_loss": log_loss(labels, p, labels=classes),
        # scale_by_half=False: the sum over classes for every k (sklearn's
        # default "auto" halves it only for k = 2).
        "brier": brier_score_loss(labels, p, labels=classes, scale_by_half=False),
        "macro_f1": f1_score(labels, predicted, average="macro", zero_division=0),
        "predicted": predicted.tolist(),
        "confusion": confusion_matrix(labels, predicted, labels=classes).tolist(),
    }


def dumps(case):
    """JSON with one key per line and one probability row per line."""
    lines = []
    for key, value in case.items():
        if key == "probabilities" or key == "expected":
            inner = (
                [json.dumps(row) for row in value]
                if key == "probabilities"
                else [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in value.items()]
            )
            open_, close = ("[", "]") if key == "probabilities" else ("{", "}")
            body = ",\n  ".join(inner)
            lines.append(f"{json.dumps(key)}: {open_}\n  {body}\n {close}")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def main():
    for name, make in [
        ("hand_ties", hand_ties),
        ("seeded_3class", seeded_3class),
        ("imbalanced_5class", imbalanced_5class),
    ]:
        labels, p = make()
        case = {
            "origin": f"make_multiclass.py, scikit-learn {sklearn.__version__}, "
            f"numpy {np.__version__}",
            "classes": p.shape[1],
            "labels": [int(v) for v in labels],
            "probabilities": p.tolist(),
            "expected": expected(labels, p),
        }
        (HERE / f"{name}.json").write_text(dumps(case))
        print(f"{name}.json written")


if __name__ == "__main__":
    main()
