class Escape(BaseException):
    pass


def step10(net):
    raise Escape('out')
