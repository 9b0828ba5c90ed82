"""Plain copies of the tutorial's code (../shared/seed), used as oracles by the tests."""

from __future__ import annotations

import torch


def regression_data(seed: int):
    """Section 1.1 after torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
    y = x.pow(2) + 0.2 * torch.rand(x.size())
    return x, y


def regression(seed: int, steps: int = 100) -> torch.nn.Sequential:
    """Sections 1 and 3.2: the Sequential net trained as the tutorial writes it."""
    x, y = regression_data(seed)
    net = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
    loss_func = torch.nn.MSELoss()
    for _t in range(steps):
        prediction = net(x)
        loss = loss_func(prediction, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return net


def classification(seed: int, steps: int = 100) -> torch.nn.Sequential:
    """Section 2."""
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
    loss_func = torch.nn.CrossEntropyLoss()
    for _t in range(steps):
        out = net(x)
        loss = loss_func(out, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return net


def save_restore_start(seed: int):
    """Section 4.5's data and initial network, after torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    x = torch.unsqueeze(torch.linspace(-2, 2, 200), dim=1)
    y = x.pow(2) + 3 * x - 2 + 0.5 * torch.rand(x.size())
    net1 = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.Tanh(), torch.nn.Linear(10, 1))
    return x, y, net1


class Net(torch.nn.Module):
    """Section 1.2's subclassed network."""

    def __init__(self, n_feature: int, n_hidden: int, n_output: int) -> None:
        super().__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)
        self.predict = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = torch.relu(self.hidden(x))
        return self.predict(x)
