"""Symbolic (sympy) counterparts of the information-theory functions.

The claims of the Information part are built from these objects, and the
book's pages evaluate them (with ``sympy.lambdify``) where a figure needs a
predicted curve, so each formula is written exactly once.
"""

from __future__ import annotations

import sympy as sp
import sympy.stats

__all__ = [
    "D",
    "DifferentialEntropy",
    "H",
    "Hessian",
    "NormalKL",
    "ScoreCovariance",
    "binary_entropy_expr",
    "counting_rate",
    "counting_rate_correction",
    "evaluate_expectations",
    "expectation",
    "finite_sums",
    "fisher_information_expr",
    "kl_gaussian_expr",
    "score_expr",
]


def _xlogx(x):
    return sp.Integer(0) if x == 0 else x * sp.log(x)


class H(sp.Function):
    r"""Shannon entropy :math:`H(p_1, \dots, p_n)` in nats, kept unevaluated until ``.doit()``.

    Keeping it unevaluated lets a claim display ``H(1/2, 1/3, 1/6)`` as written
    while sympy proves it after expanding the definition
    :math:`-\sum_i p_i \log p_i` (with :math:`0 \log 0 = 0`).

    Examples
    --------
    >>> H(sp.Rational(1, 2), sp.Rational(1, 2)).doit()
    log(2)
    >>> sp.latex(H(sp.Symbol("p"), 1 - sp.Symbol("p")))
    'H\\left(p, 1 - p\\right)'
    """

    @classmethod
    def eval(cls, *args):
        return None  # never evaluate automatically

    def doit(self, deep=True, **hints):
        args = [arg.doit(deep=deep, **hints) if deep else arg for arg in self.args]
        return -sp.Add(*[_xlogx(arg) for arg in args])

    def _latex(self, printer, exp=None):
        inner = ", ".join(printer._print(arg) for arg in self.args)
        tex = rf"H\left({inner}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class D(sp.Function):
    r"""Relative entropy :math:`D(p \,\|\, q) = \sum_i p_i \log(p_i / q_i)` in nats, kept unevaluated until ``.doit()``.

    The arguments are two tuples of probabilities of equal length, so a claim
    can display ``D(1/10, 9/10 || 1/2, 1/2)`` as written. Terms with
    :math:`p_i = 0` contribute 0, and a term with :math:`q_i = 0 < p_i` makes
    the divergence infinite.

    Examples
    --------
    >>> half = sp.Rational(1, 2)
    >>> D(sp.Tuple(1, 0), sp.Tuple(half, half)).doit()
    log(2)
    >>> D(sp.Tuple(half, half), sp.Tuple(1, 0)).doit()
    oo
    >>> p, q = sp.symbols("p q", positive=True)
    >>> sp.latex(D(sp.Tuple(p, 1 - p), sp.Tuple(q, 1 - q)))
    'D\\left(p, 1 - p \\,\\middle\\|\\, q, 1 - q\\right)'
    """

    @classmethod
    def eval(cls, p, q):
        if not (isinstance(p, sp.Tuple) and isinstance(q, sp.Tuple) and len(p) == len(q)):
            raise TypeError("D: p and q must be sympy Tuples of the same length")
        return None  # never evaluate automatically

    def doit(self, deep=True, **hints):
        p, q = (arg.doit(deep=deep, **hints) if deep else arg for arg in self.args)
        terms = []
        for p_i, q_i in zip(p, q):
            if p_i == 0:
                continue
            if q_i == 0:
                return sp.oo
            terms.append(p_i * sp.log(p_i / q_i))
        return sp.Add(*terms)

    def _eval_derivative(self, symbol):
        return self.doit().diff(symbol)

    def _latex(self, printer, exp=None):
        p, q = (", ".join(printer._print(entry) for entry in arg) for arg in self.args)
        tex = rf"D\left({p} \,\middle\|\, {q}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def binary_entropy_expr(q):
    r"""The expression :math:`-q \log q - (1 - q) \log(1 - q)`."""
    return -q * sp.log(q) - (1 - q) * sp.log(1 - q)


def counting_rate(N, p):
    r""":math:`\frac1N \log \binom{N}{pN}`, written with log-gamma so that it is defined for real ``N``."""
    return (sp.loggamma(N + 1) - sp.loggamma(p * N + 1) - sp.loggamma((1 - p) * N + 1)) / N


def counting_rate_correction(N, p):
    r"""The next term of :func:`counting_rate` after the entropy: :math:`-\frac{1}{2N}\log(2\pi N p (1-p))`."""
    return -sp.log(2 * sp.pi * N * p * (1 - p)) / (2 * N)


def expectation(expr, x, distribution):
    r"""Exact expectation :math:`E[f(X)]` of an expression ``expr`` in ``x``, where ``X ~ distribution``.

    Parameters
    ----------
    expr : sympy expression
        A function of the symbol ``x`` (and of parameters).
    x : sympy.Symbol
        The data variable.
    distribution : sympy.stats random variable
        For example ``sympy.stats.Normal("X", mu, sigma)`` or ``sympy.stats.Bernoulli("X", p)``.

    Examples
    --------
    >>> mu = sp.Symbol("mu", real=True); x = sp.Symbol("x", real=True)
    >>> expectation((x - mu)**2, x, sympy.stats.Normal("X", mu, 2))
    4
    """
    return sp.simplify(sympy.stats.E(expr.subs(x, distribution)))


def score_expr(log_density, params):
    r"""The score :math:`\nabla_\theta \log p(x; \theta)` as a column matrix.

    Examples
    --------
    >>> x, mu = sp.symbols("x mu", real=True)
    >>> score_expr(-(x - mu)**2 / 2, [mu])
    Matrix([[-mu + x]])
    """
    return sp.Matrix([sp.diff(log_density, theta) for theta in params])


def fisher_information_expr(log_density, params, x, distribution):
    r"""Fisher information matrix :math:`F_{ij} = -E[\partial_i \partial_j \log p(X; \theta)]`, exactly.

    Parameters
    ----------
    log_density : sympy expression
        :math:`\log p(x; \theta)`, a function of ``x`` and of the parameters.
    params : sequence of sympy.Symbol
        The parameters :math:`\theta`.
    x : sympy.Symbol
        The data variable.
    distribution : sympy.stats random variable
        The distribution of :math:`X` at the same parameters.

    Returns
    -------
    sympy.Matrix
        The ``len(params) × len(params)`` Fisher information.

    Examples
    --------
    >>> p = sp.Symbol("p", positive=True); k = sp.Symbol("k", integer=True)
    >>> F = fisher_information_expr(k * sp.log(p) + (1 - k) * sp.log(1 - p), [p], k, sympy.stats.Bernoulli("B", p))
    >>> sp.factor(F[0, 0])
    -1/(p*(p - 1))
    """
    hessian = sp.hessian(log_density, params)
    return (-hessian).applyfunc(lambda entry: expectation(entry, x, distribution))


def kl_gaussian_expr(mu_p, sigma_p, mu_q, sigma_q):
    r"""The closed form :math:`D(\mathcal N(\mu_p, \sigma_p^2) \| \mathcal N(\mu_q, \sigma_q^2)) = \log\frac{\sigma_q}{\sigma_p} + \frac{\sigma_p^2 + (\mu_p - \mu_q)^2}{2\sigma_q^2} - \frac12`.

    Examples
    --------
    >>> mu = sp.Symbol("mu", real=True)
    >>> kl_gaussian_expr(0, 1, mu, 1)
    mu**2/2
    """
    return sp.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - sp.Rational(1, 2)


def _reduce_sum_term(term, limits, rules):
    """Simplify one product summed over ``limits``: pull out constant factors and apply marginalisation rules."""
    factors = list(sp.Mul.make_args(term))
    remaining = list(limits)
    changed = True
    while changed:
        changed = False
        for limit in list(remaining):
            index, low, high = limit
            containing = [factor for factor in factors if index in factor.free_symbols]
            if not containing:  # a sum of a constant
                factors.append(high - low + 1)
            elif sp.Sum(sp.Mul(*containing), limit) in rules:
                factors = [factor for factor in factors if factor not in containing]
                factors.append(rules[sp.Sum(sp.Mul(*containing), limit)])
            else:
                continue
            remaining.remove(limit)
            changed = True
    remaining.sort(key=lambda limit: str(limit[0]))  # finite sums commute: one canonical order
    indices = {limit[0] for limit in remaining}
    inside = [factor for factor in factors if factor.free_symbols & indices]
    outside = [factor for factor in factors if not factor.free_symbols & indices]
    return sp.Mul(*outside) * (sp.Sum(sp.Mul(*inside), *remaining) if remaining else sp.Mul(*inside))


def finite_sums(*rules):
    r"""A simplifier for identities between finite sums over several indices, with marginalisation rules.

    The returned function expands logarithms and products, distributes every
    (multiple) sum over the terms of its summand, moves factors that do not
    depend on a summation index out of that sum, sums constants
    (:math:`\sum_{i=a}^{b} c = (b - a + 1) c`), and applies the ``rules``:
    a sum over one index of the factors that depend on it, such as
    :math:`\sum_x p_{XY}(x, y) = p_Y(y)` or :math:`\sum_i p_i E_i = U`, is
    replaced by its value. It repeats
    until nothing changes. Finite sums may be taken in any order, so each term's
    indices are eliminated in whatever order the rules allow, and the remaining
    limits are put in alphabetical order.

    Parameters
    ----------
    *rules : (sympy.Sum, expression) pairs
        Marginalisation and normalisation rules, e.g.
        ``(Sum(p_XY(x, y), (x, 1, m)), p_Y(y))`` or ``(Sum(p_Y(y), (y, 1, n)), 1)``.
        They must use the same index names and ranges as the expressions.

    Returns
    -------
    callable
        ``simplify(expr)``, named ``finite_sums``, for :class:`mltheory.claims.Identity`'s ``method``.

    Examples
    --------
    The chain rule :math:`H(X, Y) = H(Y) + H(X \mid Y)`:

    >>> x, y = sp.symbols("x y", integer=True)
    >>> m, n = sp.symbols("m n", integer=True, positive=True)
    >>> p_xy, p_y = sp.Function("p_XY", positive=True), sp.Function("p_Y", positive=True)
    >>> h_xy = -sp.Sum(p_xy(x, y) * sp.log(p_xy(x, y)), (x, 1, m), (y, 1, n))
    >>> h_y = -sp.Sum(p_y(y) * sp.log(p_y(y)), (y, 1, n))
    >>> h_x_given_y = -sp.Sum(p_xy(x, y) * sp.log(p_xy(x, y) / p_y(y)), (x, 1, m), (y, 1, n))
    >>> finite_sums((sp.Sum(p_xy(x, y), (x, 1, m)), p_y(y)))(h_xy - h_y - h_x_given_y)
    0
    """
    table = {sp.sympify(total): sp.sympify(value) for total, value in rules}

    def reduce(total):
        body = sp.expand(sp.expand_log(total.function, force=True))
        return sp.Add(*[_reduce_sum_term(term, total.limits, table) for term in sp.Add.make_args(body)])

    def finite_sums(expr):
        """Expand the logarithms, distribute the finite sums and apply the normalisation and marginal rules."""
        expr = sp.expand(sp.expand_log(expr.doit(), force=True))
        previous = None
        while expr != previous:
            previous = expr
            expr = sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), reduce))
        return expr

    return finite_sums


class NormalKL(sp.Function):
    r"""Relative entropy of two normal distributions, :math:`D(\mathcal N(\mu_p, \sigma_p^2) \,\|\, \mathcal N(\mu_q, \sigma_q^2))`, unevaluated.

    ``.doit()`` gives the closed form :func:`kl_gaussian_expr`, which claim
    ``eq-kl-gaussian`` derives from the defining integral.

    Examples
    --------
    >>> mu = sp.Symbol("mu", real=True)
    >>> NormalKL(0, 1, mu, 1).doit()
    mu**2/2
    >>> sp.latex(NormalKL(0, 1, mu, 2))
    'D\\left(\\mathcal{N}\\left(0, 1\\right) \\,\\middle\\|\\, \\mathcal{N}\\left(\\mu, 4\\right)\\right)'
    """

    nargs = 4

    @classmethod
    def eval(cls, *args):
        return None

    def doit(self, deep=True, **hints):
        args = [arg.doit(deep=deep, **hints) if deep else arg for arg in self.args]
        return kl_gaussian_expr(*args)

    def _eval_derivative(self, symbol):
        return self.doit().diff(symbol)

    def _latex(self, printer, exp=None):
        mu_p, sigma_p, mu_q, sigma_q = (printer._print(arg) for arg in (
            self.args[0], self.args[1] ** 2, self.args[2], self.args[3] ** 2))
        tex = (rf"D\left(\mathcal{{N}}\left({mu_p}, {sigma_p}\right) \,\middle\|\, "
               rf"\mathcal{{N}}\left({mu_q}, {sigma_q}\right)\right)")
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class _ParameterMatrix(sp.MatrixExpr):
    """An unevaluated square matrix indexed by the variables in its second argument; entries come from ``doit``."""

    @property
    def shape(self):
        size = len(self.args[1])
        return (size, size)

    def _entry(self, i, j, **kwargs):
        return self.doit()[i, j]


class Hessian(_ParameterMatrix):
    r"""The Hessian matrix :math:`\nabla^2_{v} f`, optionally at a point, unevaluated.

    Parameters
    ----------
    expr : sympy expression
        The function :math:`f`.
    variables : sequence of sympy.Symbol
        The variables :math:`v` it is differentiated by.
    point : sequence of sympy expressions, optional
        Where to evaluate the Hessian (by default it stays a function of ``variables``).

    Examples
    --------
    >>> a, b = sp.symbols("a b", real=True)
    >>> Hessian(a**2 * b, [a, b], [1, 2]).doit()
    Matrix([
    [4, 2],
    [2, 0]])
    >>> sp.latex(Hessian(a**2 * b, [a, b], [1, 2]))
    '\\nabla^{2}_{a,b} \\left(a^{2} b\\right) \\Big|_{a=1,b=2}'
    """

    def __new__(cls, expr, variables, point=None):
        variables = sp.Tuple(*variables)
        point = variables if point is None else sp.Tuple(*point)
        if len(point) != len(variables):
            raise ValueError("Hessian: point must have one value per variable")
        return super().__new__(cls, sp.sympify(expr), variables, point)

    def doit(self, **hints):
        expr, variables, point = self.args
        return sp.hessian(expr.doit(), list(variables)).subs(dict(zip(variables, point)))

    def _latex(self, printer, exp=None):
        expr, variables, point = self.args
        names = ",".join(printer._print(v) for v in variables)
        tex = rf"\nabla^{{2}}_{{{names}}} \left({printer._print(expr)}\right)"
        if point != variables:
            at = ",".join(f"{printer._print(v)}={printer._print(value)}" for v, value in zip(variables, point))
            tex += rf" \Big|_{{{at}}}"
        return tex


class ScoreCovariance(_ParameterMatrix):
    r"""The matrix :math:`E\big[\nabla_\theta \log q_\theta(X)\, \nabla_\theta \log q_\theta(X)^\top\big]`, unevaluated.

    With ``X`` distributed as :math:`q_\theta` itself this is the Fisher
    information (the covariance of the score, whose mean is zero). With ``X``
    drawn from another distribution :math:`q_{\theta_0}` it is the expected outer
    product of the score at :math:`\theta` under :math:`q_{\theta_0}`. ``.doit()``
    computes it exactly with ``sympy.stats``.

    Parameters
    ----------
    log_density : sympy expression
        :math:`\log q_\theta(x)`.
    params : sequence of sympy.Symbol
        The parameters :math:`\theta`.
    x : sympy.Symbol
        The data variable in ``log_density``.
    variable : sympy.stats random variable
        The distribution of :math:`X`.

    Examples
    --------
    >>> import sympy.stats
    >>> p = sp.Symbol("p", positive=True); k = sp.Symbol("k", integer=True)
    >>> F = ScoreCovariance(k * sp.log(p) + (1 - k) * sp.log(1 - p), [p], k, sympy.stats.Bernoulli("K", p))
    >>> sp.factor(F.doit()[0, 0])
    -1/(p*(p - 1))
    """

    def __new__(cls, log_density, params, x, variable):
        return super().__new__(cls, sp.sympify(log_density), sp.Tuple(*params), x, variable)

    def doit(self, **hints):
        log_density, params, x, variable = self.args
        score = score_expr(log_density, list(params))
        return (score * score.T).applyfunc(lambda entry: expectation(entry, x, variable))

    def _latex(self, printer, exp=None):
        params = ",".join(printer._print(param) for param in self.args[1])
        score = rf"\nabla_{{{params}}} \log q"
        return rf"\operatorname{{E}}\left[{score} \, {score}^{{\top}}\right]"


def evaluate_expectations(expr):
    """Evaluate every unevaluated object in ``expr`` (derivatives, sums, ``sympy.stats`` expectations and variances), then simplify.

    Expectations are expanded by linearity first, which keeps ``sympy.stats``
    fast on sums of independent variables. Works elementwise on matrices.

    Examples
    --------
    >>> import sympy.stats
    >>> Z = sympy.stats.Normal("Z", 0, 1)
    >>> evaluate_expectations(sympy.stats.Variance(2 * Z + 1))
    4
    """
    def evaluate(entry):
        entry = entry.doit()
        if entry.has(sympy.stats.Expectation, sympy.stats.Variance, sympy.stats.Covariance):
            entry = entry.rewrite(sympy.stats.Expectation).expand().doit()
        return sp.simplify(entry)

    expr = expr.doit()
    return expr.applyfunc(evaluate) if isinstance(expr, sp.MatrixBase) else evaluate(expr)


class DifferentialEntropy(sp.Function):
    r"""Differential entropy :math:`h(X) = -E[\log p_X(X)]` of a ``sympy.stats`` variable, unevaluated.

    Examples
    --------
    >>> import sympy.stats
    >>> X = sympy.stats.Uniform("X", 0, 2)
    >>> sp.latex(DifferentialEntropy(X)), DifferentialEntropy(X).doit()
    ('h\\left(X\\right)', log(2))
    """

    nargs = 1

    @classmethod
    def eval(cls, variable):
        return None

    def doit(self, deep=True, **hints):
        return sympy.stats.entropy(self.args[0])

    def _latex(self, printer, exp=None):
        tex = rf"h\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"
