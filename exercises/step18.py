"""Step 18 — The naive gradient: finite differences for every parameter

The lesson's "ordinary" way: find each ∂L/∂p separately, here by nudging p and running
the whole forward pass again, two passes per parameter. The check counts your passes
beside backprop's cost; bpgrade cost compares the routes on larger networks.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; the forward pass net.z1_1, net.z1_2, net.z1_3, net.h1_1,
    net.h1_2, net.h1_3, net.z2_1, net.z2_2, net.h2_1, net.h2_2, net.z3, net.y, net.L;
    net.loss(name=value, ...), L with those parameters replaced; net[name] reads any of
    them by name
Return: a dict with exactly these keys:
    "dL_dw1_11", "dL_dw1_12", "dL_dw1_21", "dL_dw1_22", "dL_dw1_31", "dL_dw1_32",
    "dL_db1_1", "dL_db1_2", "dL_db1_3", "dL_dw2_11", "dL_dw2_12", "dL_dw2_13",
    "dL_dw2_21", "dL_dw2_22", "dL_dw2_23", "dL_db2_1", "dL_db2_2", "dL_dv1",
    "dL_dv2", "dL_db3"
Check it: bpgrade check step18    Hint: bpgrade hint step18

第 18 步 — 朴素的梯度：对每个参数做有限差分

课文所说的“普通”做法：把每个 ∂L/∂p 分别求出来，这里的做法是挪动 p 后把整个前向传播重算一遍，每个参数两次。检查时会统计你的前向传播次数，并与反向传播的代价对比；bpgrade cost 在更大的网络上比较这几种做法。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；前向传播 net.z1_1、net.z1_2、net.z1_3、net.h1_1、net.h1_2、net.h1_3、net.z2_1、net.z2_2、net.h2_1、net.h2_2、net.z3、net.y、net.L；net.loss(name=value, ...)，即把这些参数换掉后的 L；也可用 net[name] 按名字读取
返回：一个 dict，键恰好是：
    "dL_dw1_11", "dL_dw1_12", "dL_dw1_21", "dL_dw1_22", "dL_dw1_31", "dL_dw1_32",
    "dL_db1_1", "dL_db1_2", "dL_db1_3", "dL_dw2_11", "dL_dw2_12", "dL_dw2_13",
    "dL_dw2_21", "dL_dw2_22", "dL_dw2_23", "dL_db2_1", "dL_db2_2", "dL_dv1",
    "dL_dv2", "dL_db3"
检查：bpgrade check step18    提示：bpgrade hint step18
"""


def step18(net):
    raise NotImplementedError("step18: write your answer here, then run: bpgrade check step18")
