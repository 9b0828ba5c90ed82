"""Plain copies of the tutorial's code (../shared/seed), the oracle for tests and bench.

Each ``*_setup`` builds what the tutorial builds, in its order (data, then the network)
after ``torch.manual_seed(seed)``; :func:`train` is its loop exactly as written.
"""

from __future__ import annotations

import torch


def regression_setup(seed: int):
    """Sections 1.1 and 3.2: y = x^2 + 0.2*U[0,1), the Sequential 1-10-1 ReLU, SGD lr 0.2."""
    torch.manual_seed(seed)
    x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
    y = x.pow(2) + 0.2 * torch.rand(x.size())
    net = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
    return x, y, net, optimizer, torch.nn.MSELoss()


def classification_setup(seed: int):
    """Section 2: two Gaussian clouds, 2-10-2 ReLU, SGD lr 0.02, cross-entropy."""
    torch.manual_seed(seed)
    n_data = torch.ones(100, 2)
    x0 = torch.normal(2 * n_data, 1)
    y0 = torch.zeros(100)
    x1 = torch.normal(-2 * n_data, 1)
    y1 = torch.ones(100)
    x = torch.cat((x0, x1), 0).type(torch.FloatTensor)
    y = torch.cat((y0, y1)).type(torch.LongTensor)
    net = torch.nn.Sequential(torch.nn.Linear(2, 10), torch.nn.ReLU(), torch.nn.Linear(10, 2))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.02)
    return x, y, net, optimizer, torch.nn.CrossEntropyLoss()


def save_restore_setup(seed: int):
    """Section 4.5: y = x^2 + 3x - 2 + 0.5*U[0,1) on [-2, 2], 1-10-1 Tanh, SGD lr 0.05."""
    torch.manual_seed(seed)
    x = torch.unsqueeze(torch.linspace(-2, 2, 200), dim=1)
    y = x.pow(2) + 3 * x - 2 + 0.5 * torch.rand(x.size())
    net1 = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.Tanh(), torch.nn.Linear(10, 1))
    optimizer = torch.optim.SGD(net1.parameters(), lr=0.05)
    return x, y, net1, optimizer, torch.nn.MSELoss()


SETUPS = {
    "regression": regression_setup,
    "classification": classification_setup,
    "save-restore": save_restore_setup,
}


def train(x, y, net, optimizer, loss_func, steps: int):
    """The tutorial's training loop, as written."""
    for _t in range(steps):
        prediction = net(x)
        loss = loss_func(prediction, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return net


def regression(seed: int, steps: int = 100) -> torch.nn.Sequential:
    return train(*regression_setup(seed), steps)


def classification(seed: int, steps: int = 100) -> torch.nn.Sequential:
    return train(*classification_setup(seed), steps)


class Net(torch.nn.Module):
    """Section 1.2's subclassed network (``F.relu`` is ``torch.relu``)."""

    def __init__(self, n_feature: int, n_hidden: int, n_output: int) -> None:
        super().__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)
        self.predict = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = torch.relu(self.hidden(x))
        return self.predict(x)


class ClassifierNet(torch.nn.Module):
    """Section 2.2's subclassed network: the output layer is called ``out``."""

    def __init__(self, n_feature: int, n_hidden: int, n_output: int) -> None:
        super().__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)
        self.out = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = torch.relu(self.hidden(x))
        return self.out(x)


def net_regression(seed: int, steps: int = 100) -> Net:
    """Section 1.2 and 1.3: ``Net(1, 10, 1)`` trained on section 1.1's data."""
    x, y, _, _, loss_func = regression_setup(seed)
    net = Net(n_feature=1, n_hidden=10, n_output=1)
    return train(x, y, net, torch.optim.SGD(net.parameters(), lr=0.2), loss_func, steps)


def net_classification(seed: int, steps: int = 100) -> ClassifierNet:
    """Section 2.2 and 2.3: ``Net(2, 10, 2)`` trained on the two clouds."""
    x, y, _, _, loss_func = classification_setup(seed)
    net = ClassifierNet(n_feature=2, n_hidden=10, n_output=2)
    return train(x, y, net, torch.optim.SGD(net.parameters(), lr=0.02), loss_func, steps)
