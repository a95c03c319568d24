"""Replies for steps the grader has not asked yet (and one with too many trials)."""
import forge


def step11(net):
    forge.send(forge.answers(0.0, step="step12", output_end=0))
    forge.send(forge.answers(0.0, n=7, step="step13"))
    forge.send(b'{"kind": "answers", "answers": [], "step": "step18"}')
    forge.send(b'{"kind": "not_started"}')
    return net.dL_dh2_1 * net.w2_12 * net.h2_1 * (1 - net.h2_1) \
        + net.dL_dh2_2 * net.w2_22 * net.h2_2 * (1 - net.h2_2)
