import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def step22(net):
    W1, b1, W2, b2 = (np.array(a) for a in (net.W1, net.b1, net.W2, net.b2))
    X, T, eta = net.X, net.T, net.learning_rate
    kept = {name: [] for name in ("W1", "b1", "W2", "b2", "dW1", "db1", "dW2", "db2")}
    for epoch in range(net.epochs):
        # forward, the four examples as rows
        H = sigmoid(X @ W1.T + b1)
        Y = sigmoid(H @ W2.T + b2)
        # backward: the cross-entropy's dL/dz at the output is (Y - T), over the mean's n
        D2 = (Y - T) / len(X)
        D1 = (D2 @ W2) * H * (1 - H)                     # dL/dz1 = W2.T delta2 * sigma'
        dW1, db1, dW2, db2 = D1.T @ X, D1.sum(axis=0), D2.T @ H, D2.sum(axis=0)
        if epoch in net.sample_epochs:                   # before the update, as copies
            for name, value in zip(kept, (W1, b1, W2, b2, dW1, db1, dW2, db2)):
                kept[name].append(value.copy())
        W1, b1, W2, b2 = W1 - eta * dW1, b1 - eta * db1, W2 - eta * dW2, b2 - eta * db2
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2,
            **{"sample_" + name: np.array(values) for name, values in kept.items()}}
