"""Symbolic (sympy) side of the Probability and estimation part.

The claims of the part are built from the objects here:

* :func:`notation` makes unevaluated functions that print as the book writes
  them (``\\langle X^m \\rangle``, ``\\mathbb{E}[\\dots]``) and evaluate to their
  definition on ``doit()``, so a displayed statement is the object sympy proves;
* moments and cumulants: the generating-function definitions and the partition
  formulas that relate them;
* exact expectations of polynomials in an i.i.d. sample of symbolic size
  :math:`N` (:func:`iid_expectation`), which prove the bias and variance of the
  sample mean and variance for every :math:`N` at once;
* simplifiers for :class:`mltheory.claims.Identity` that need more than one
  sympy call: checking a family of orders, changing variables in an integral,
  limits through series, and block matrices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

import sympy as sp
from sympy.utilities.iterables import multiset_partitions, partitions

__all__ = [
    "Displayed",
    "blockwise",
    "change_variables",
    "cumulant_partition_formula",
    "differentiate_under_integral",
    "cumulant_from_moments_expr",
    "each_order",
    "expectation_of_polynomial",
    "gaussian_raw_moment",
    "iid_expectation",
    "laurent_limit",
    "moment_from_cumulants_expr",
    "moment_partition_formula",
    "notation",
    "power_sums",
    "raw_moment",
]


# --------------------------------------------------------------------------- notation

def notation(name: str, template: str, definition: Callable[..., sp.Expr]) -> type[sp.Function]:
    r"""An unevaluated sympy function that prints as ``template`` and evaluates to ``definition``.

    Parameters
    ----------
    name : str
        Class name; it must be unique among the notations of the package
        (sympy caches function objects by name and arguments).
    template : str
        LaTeX with ``#1``, ``#2``, ... standing for the printed arguments, as
        in a LaTeX macro.
    definition : callable
        ``definition(*args)`` returns the expression the notation stands for.

    Returns
    -------
    type
        A subclass of ``sympy.Function``; call it with the arguments.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> Square = notation("SquareDoc", r"\operatorname{sq}\left(#1\right)", lambda a: a**2)
    >>> sp.latex(Square(x + 1)), Square(x + 1).doit()
    ('\\operatorname{sq}\\left(x + 1\\right)', (x + 1)**2)
    """

    def doit(self, deep=True, **hints):
        args = [arg.doit(deep=deep, **hints) if deep else arg for arg in self.args]
        result = definition(*args)
        return result.doit(deep=deep, **hints) if deep and isinstance(result, sp.Basic) else result

    def _latex(self, printer, exp=None):
        tex = template
        for position, arg in reversed(list(enumerate(self.args, start=1))):
            tex = tex.replace(f"#{position}", printer._print(arg))
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"

    return type(name, (sp.Function,), {
        "eval": classmethod(lambda cls, *args: None),
        "doit": doit,
        "_latex": _latex,
        "__module__": __name__,
    })


Displayed = notation("Displayed", "#1", lambda expr: expr)
Displayed.__doc__ = """Shows its argument unchanged and returns it on ``doit()``.

Wrapping a matrix expression in it lets a claim subtract it from another
notation before either is evaluated (sympy refuses to subtract a matrix from an
unevaluated scalar function).

Examples
--------
>>> A = sp.MatrixSymbol("A", 2, 2)
>>> sp.latex(Displayed(A)), Displayed(A).doit() == A
('A', True)
"""


# --------------------------------------------------------------------------- simplifiers for claims

def each_order(symbol: sp.Symbol, values: Iterable[int], simplify: Callable = sp.expand) -> Callable:
    """A simplifier that checks an identity in ``symbol`` for each of ``values``.

    The returned callable substitutes every value, evaluates (``doit``) and
    applies ``simplify``; it returns 0 when every order gives 0, and otherwise
    the first non-zero residual. Its name records the orders checked.

    Examples
    --------
    >>> m = sp.Symbol("m", integer=True)
    >>> check = each_order(m, range(1, 4))
    >>> check(sp.Sum(sp.Symbol("k"), (sp.Symbol("k"), 1, m)) - m * (m + 1) / 2), check.__name__
    (0, 'each m = 1..3: doit, expand')
    """
    values = list(values)

    def check(expr):
        for value in values:
            residual = simplify(expr.subs(symbol, value).doit())
            if residual != 0:
                return residual
        return sp.Integer(0)

    check.__name__ = f"each {symbol} = {values[0]}..{values[-1]}: doit, {simplify.__name__}"
    return check


def change_variables(old: sp.Symbol, old_in_terms_of_new: sp.Expr, new: sp.Symbol | None = None) -> Callable:
    r"""A simplifier that substitutes ``old = old_in_terms_of_new`` in every integral over ``old``, then evaluates.

    sympy evaluates some integrals only after the right change of variables;
    this makes the change an explicit, named step of a proof. The new variable
    is ``new``, by default the only free symbol of ``old_in_terms_of_new``.

    Examples
    --------
    >>> z = sp.Symbol("z", real=True); y = sp.Symbol("y", positive=True)
    >>> gumbel_density = sp.exp(-z - sp.exp(-z))
    >>> step = change_variables(z, -sp.log(y))
    >>> step(sp.Integral(gumbel_density, (z, -sp.oo, sp.oo)) - 1)
    0
    """

    def substitute(expr):
        expr = expr.replace(
            lambda e: isinstance(e, sp.Integral) and tuple(e.variables) == (old,),
            lambda e: e.transform(old, old_in_terms_of_new if new is None else (old_in_terms_of_new, new)),
        )
        return sp.simplify(expr.doit())

    substitute.__name__ = f"substitute {old} = {old_in_terms_of_new}, doit, simplify"
    return substitute


def _split_integral(integral: sp.Integral) -> sp.Expr:
    """Linearity: write the integral of a sum as a sum of integrals, with constant factors pulled out."""
    (variable, *bounds), = integral.limits
    total = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(sp.powsimp(sp.expand(integral.function)))):
        constant, rest = term.as_independent(variable, as_Add=False)
        total += constant * sp.Integral(sp.powsimp(rest), (variable, *bounds))
    return total


def differentiate_under_integral(expr):
    r"""Prove identities between integrals of unknown functions, without evaluating any integral.

    Three rules are applied, then the result is simplified: the Leibniz rule
    :math:`\frac{d}{d\theta}\int g\,dx = \int \partial_\theta g\,dx` for
    limits that do not depend on :math:`\theta` (the regularity that
    differentiating under the integral sign needs is an assumption of the
    claim); evaluation of the remaining derivatives; and linearity of the
    integral, which splits every integrand into terms and pulls constant
    factors out, so that equal integrals cancel.

    Examples
    --------
    >>> x, mu = sp.symbols("x mu", real=True); f = sp.Function("f")
    >>> lhs = sp.Derivative(sp.Integral(f(x) * sp.exp(-(x - mu)**2 / 2), (x, -sp.oo, sp.oo)), mu)
    >>> rhs = sp.Integral(f(x) * (x - mu) * sp.exp(-(x - mu)**2 / 2), (x, -sp.oo, sp.oo))
    >>> differentiate_under_integral(lhs - rhs)
    0
    """

    def leibniz(derivative: sp.Derivative) -> sp.Expr:
        integral, *variables = derivative.args
        body = integral.function
        for variable, count in variables:
            if any(variable in bound.free_symbols for limit in integral.limits for bound in limit[1:]):
                raise ValueError(f"differentiate_under_integral: the limits depend on {variable}")
            body = sp.diff(body, variable, count)
        return sp.Integral(body, *integral.limits)

    expr = expr.replace(lambda e: isinstance(e, sp.Derivative) and isinstance(e.args[0], sp.Integral), leibniz)
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: e.doit())
    return sp.simplify(expr.replace(lambda e: isinstance(e, sp.Integral), _split_integral))


def laurent_limit(expr):
    r"""Evaluate every ``Limit(f, x, 0)`` by the Laurent expansion of ``f`` about 0, then simplify.

    The constant term of the expansion is the limit when the negative powers
    vanish; if they do not, they remain in the result, so an identity proved
    with this simplifier also proves that they vanish (possibly after the
    claim's side conditions are applied).

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> laurent_limit(sp.Limit((sp.exp(x) - 1 - x) / x**2, x, 0) - sp.Rational(1, 2))
    0
    """

    def expand(limit):
        function, variable, point = limit.args[:3]
        if point != 0:
            raise ValueError(f"laurent_limit: only limits at 0 are supported (got {point})")
        return sp.series(function.doit(), variable, 0, 1).removeO()

    return sp.simplify(expr.replace(lambda e: isinstance(e, sp.Limit), expand))


def blockwise(expr):
    """Collapse a block-matrix expression and return 0 if every block simplifies to zero.

    Examples
    --------
    >>> A = sp.MatrixSymbol("A", 2, 2)
    >>> blockwise(sp.BlockMatrix([[A, A]]) - sp.BlockMatrix([[A, A]]))
    0
    """
    collapsed = sp.block_collapse(expr)
    blocks = collapsed.blocks if isinstance(collapsed, sp.BlockMatrix) else sp.Matrix([[collapsed]])
    simplified = blocks.applyfunc(lambda b: sp.simplify(b.doit()) if hasattr(b, "doit") else b)
    if all(b == 0 or isinstance(b, sp.ZeroMatrix) or getattr(b, "is_ZeroMatrix", False) for b in simplified):
        return sp.Integer(0)
    return collapsed


# --------------------------------------------------------------------------- moments and cumulants

def _generating_polynomial(coefficients: Callable[[int], sp.Expr], order: int, t: sp.Symbol) -> sp.Expr:
    return sp.Add(*[coefficients(n) * t**n / sp.factorial(n) for n in range(1, order + 1)])


_PLACEHOLDER = sp.IndexedBase(sp.Dummy("c"))


@lru_cache(maxsize=None)
def _general_derivative(m: int, outer: str) -> sp.Expr:
    """``d^m/dt^m outer(sum_n c_n t^n / n!)`` at ``t = 0``, for ``outer`` "exp" or "log1p", in placeholders ``c_n``."""
    t = sp.Dummy("t")
    series = _generating_polynomial(_PLACEHOLDER.__getitem__, m, t)
    function = sp.exp(series) if outer == "exp" else sp.log(1 + series)
    return sp.expand(sp.diff(function, t, m).subs(t, 0))


def _derivative_at_zero(m: int, outer: str, values) -> sp.Expr:
    get = values.__getitem__ if isinstance(values, sp.IndexedBase) else values
    general = _general_derivative(m, outer)
    return sp.expand(general.xreplace({_PLACEHOLDER[n]: get(n) for n in range(1, m + 1)}))


def moment_from_cumulants_expr(m: int, kappa) -> sp.Expr:
    r"""The :math:`m`-th moment from the cumulants, by definition: :math:`\frac{d^m}{dt^m} e^{K(t)}\big|_{t=0}`.

    :math:`K(t) = \sum_n \kappa_n t^n / n!` is the cumulant generating function;
    only the cumulants up to order ``m`` contribute.

    Parameters
    ----------
    m : int
        Order, at least 1.
    kappa : sympy.IndexedBase or callable
        ``kappa[n]`` (or ``kappa(n)``) is the :math:`n`-th cumulant.

    Examples
    --------
    >>> kappa = sp.IndexedBase("kappa")
    >>> moment_from_cumulants_expr(2, kappa)
    kappa[1]**2 + kappa[2]
    """
    return _derivative_at_zero(m, "exp", kappa)


def cumulant_from_moments_expr(m: int, moment) -> sp.Expr:
    r"""The :math:`m`-th cumulant from the moments, by definition: :math:`\frac{d^m}{dt^m} \log M(t)\big|_{t=0}`.

    :math:`M(t) = 1 + \sum_n \langle X^n \rangle t^n / n!` is the moment generating function.

    Examples
    --------
    >>> mu = sp.IndexedBase("mu")
    >>> cumulant_from_moments_expr(2, mu)
    -mu[1]**2 + mu[2]
    """
    return _derivative_at_zero(m, "log1p", moment)


def _partition_sum(m: int, values, weight: Callable[[int], sp.Expr]) -> sp.Expr:
    """``m! * sum over {p_n} with sum n p_n = m of weight(b) * prod values_n^p_n / (p_n! (n!)^p_n)``, b = sum p_n."""
    get = values.__getitem__ if isinstance(values, sp.IndexedBase) else values
    total = sp.Integer(0)
    for counts in partitions(m):  # {n: p_n}
        blocks = sum(counts.values())
        term = weight(blocks)
        for n, p_n in counts.items():
            term *= get(n) ** p_n / (sp.factorial(p_n) * sp.factorial(n) ** p_n)
        total += term
    return sp.expand(sp.factorial(m) * total)


def moment_partition_formula(m: int, kappa) -> sp.Expr:
    r"""Moments from cumulants by the partition formula (Kaplan (3.2.6), corrected).

    .. math:: \langle X^m \rangle = m! \sum_{\{p_n\}:\ \sum_n n p_n = m}
              \prod_n \frac{\kappa_n^{p_n}}{p_n!\,(n!)^{p_n}}

    Examples
    --------
    >>> kappa = sp.IndexedBase("kappa")
    >>> moment_partition_formula(3, kappa)
    kappa[1]**3 + 3*kappa[1]*kappa[2] + kappa[3]
    """
    return _partition_sum(m, kappa, lambda blocks: sp.Integer(1))


def cumulant_partition_formula(m: int, moment) -> sp.Expr:
    r"""Cumulants from moments by the partition formula.

    .. math:: \kappa_m = m! \sum_{\{p_n\}:\ \sum_n n p_n = m} (-1)^{b-1} (b-1)!
              \prod_n \frac{\langle X^n \rangle^{p_n}}{p_n!\,(n!)^{p_n}}, \qquad b = \sum_n p_n

    Examples
    --------
    >>> mu = sp.IndexedBase("mu")
    >>> cumulant_partition_formula(2, mu)
    -mu[1]**2 + mu[2]
    """
    return _partition_sum(m, moment, lambda blocks: (-1) ** (blocks - 1) * sp.factorial(blocks - 1))


def raw_moment(k: int, mean: sp.Expr, central: Callable[[int], sp.Expr]) -> sp.Expr:
    r"""Raw moment :math:`E[X^k] = \sum_j \binom{k}{j} \mu^{k-j} E[(X-\mu)^j]` from the central moments.

    Parameters
    ----------
    k : int
        Order, at least 0.
    mean : sympy expression
        :math:`\mu = E[X]`.
    central : callable
        ``central(j)`` is :math:`E[(X - \mu)^j]` for :math:`j \ge 2`.

    Examples
    --------
    >>> mu, s = sp.symbols("mu sigma", positive=True)
    >>> raw_moment(2, mu, lambda j: s**2 if j == 2 else 0)
    mu**2 + sigma**2
    """
    total = mean**k
    for j in range(2, k + 1):
        total += sp.binomial(k, j) * mean ** (k - j) * central(j)
    return sp.expand(total)


def gaussian_raw_moment(k: int, mean: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    r"""Raw moment :math:`E[X^k]` of :math:`X \sim \mathcal N(\mu, \sigma^2)`, using :math:`E[Z^{2j}] = (2j-1)!!`.

    Examples
    --------
    >>> mu, s = sp.symbols("mu sigma", positive=True)
    >>> gaussian_raw_moment(4, 0, s)
    3*sigma**4
    """
    return raw_moment(k, mean, lambda j: sp.factorial2(j - 1) * sigma**j if j % 2 == 0 else 0)


# --------------------------------------------------------------------------- expectations over an i.i.d. sample

def power_sums(expr: sp.Expr, sample: sp.IndexedBase, size: sp.Expr, power_sum: Callable[[int], sp.Symbol]) -> sp.Expr:
    r"""Rewrite sums over a sample, :math:`\sum_{i=1}^{N} f(X_i)`, as polynomials in the power sums :math:`P_k = \sum_i X_i^k`.

    Every ``Sum`` over an index running from 1 to ``size`` whose summand is a
    polynomial in ``sample[index]`` is replaced, innermost first, so nested
    sums such as :math:`\sum_i (X_i - \bar X)^2` with
    :math:`\bar X = \frac1N \sum_j X_j` are handled.

    Raises
    ------
    ValueError
        If a sum does not run over the whole sample, or its summand is not a
        polynomial in the sample variable.

    Examples
    --------
    >>> X = sp.IndexedBase("X"); i, j = sp.symbols("i j", integer=True); N = sp.Symbol("N")
    >>> P = lambda k: sp.Symbol(f"P{k}")
    >>> xbar = sp.Sum(X[j], (j, 1, N)) / N
    >>> sp.expand(power_sums(sp.Sum((X[i] - xbar)**2, (i, 1, N)), X, N, P))
    P2 - P1**2/N
    """

    def replace(total: sp.Sum):
        (index, low, high), = total.limits
        if low != 1 or high != size:
            raise ValueError(f"power_sums: sums must run from 1 to {size} (got {low} to {high})")
        variable = sample[index]
        placeholder = sp.Dummy("x")
        summand = sp.expand(total.function.subs(variable, placeholder))
        if summand.has(index):
            raise ValueError(f"power_sums: the summand must depend on {index} only through {variable}")
        poly = sp.Poly(summand, placeholder)
        return sp.Add(*[coeff * (power_sum(k) if k else size) for (k,), coeff in poly.terms()])

    return expr.replace(lambda e: isinstance(e, sp.Sum), replace)


def _falling_factorial(n: sp.Expr, k: int) -> sp.Expr:
    return sp.Mul(*[n - j for j in range(k)])


def iid_expectation(expr: sp.Expr, sample: sp.IndexedBase, size: sp.Expr, moment: Callable[[int], sp.Expr]) -> sp.Expr:
    r"""Exact :math:`E[\,\cdot\,]` of a polynomial in sums over an i.i.d. sample :math:`X_1, \dots, X_N`.

    After :func:`power_sums`, each product :math:`P_{a_1} \cdots P_{a_r}` is
    averaged with

    .. math:: E\Big[\prod_{j=1}^r P_{a_j}\Big] = \sum_{\pi} N(N-1)\cdots(N-|\pi|+1)
              \prod_{B \in \pi} m_{\sum_{j \in B} a_j},

    where :math:`\pi` runs over the partitions of :math:`\{1, \dots, r\}` (the
    pattern of equal indices) and :math:`m_k = E[X^k]`. The sample size stays
    symbolic.

    Parameters
    ----------
    expr : sympy expression
        Built from sums over ``sample[index]`` for ``index`` from 1 to ``size``.
    sample : sympy.IndexedBase
        The sample :math:`X`.
    size : sympy expression
        :math:`N`.
    moment : callable
        ``moment(k)`` is :math:`E[X^k]`.

    Examples
    --------
    >>> X = sp.IndexedBase("X"); i = sp.Symbol("i", integer=True); N = sp.Symbol("N")
    >>> m = sp.IndexedBase("m")
    >>> sp.factor(iid_expectation(sp.Sum(X[i], (i, 1, N))**2, X, N, lambda k: m[k]))
    N*(N*m[1]**2 - m[1]**2 + m[2])
    """
    symbols = {}

    def power_sum(k):
        return symbols.setdefault(k, sp.Dummy(f"P{k}"))

    polynomial = sp.expand(power_sums(expr, sample, size, power_sum))
    generators = list(symbols.values())
    if not generators:
        return polynomial
    order = {symbol: k for k, symbol in symbols.items()}
    result = sp.Integer(0)
    for exponents, coeff in sp.Poly(polynomial, *generators).terms():
        indices = [order[g] for g, e in zip(generators, exponents) for _ in range(e)]
        average = sp.Integer(0)
        for blocks in multiset_partitions(list(range(len(indices)))):
            term = _falling_factorial(size, len(blocks))
            for block in blocks:
                term *= moment(sum(indices[j] for j in block))
            average += term
        result += coeff * (average if indices else 1)
    return sp.expand(result)


def expectation_of_polynomial(expr: sp.Expr, variable: sp.Symbol, moment: Callable[[int], sp.Expr]) -> sp.Expr:
    r"""Exact :math:`E[\,\cdot\,]` of a polynomial in one random variable, from its moments ``moment(k)``.

    Examples
    --------
    >>> n, a = sp.symbols("n a"); s = sp.Symbol("sigma", positive=True)
    >>> expectation_of_polynomial((a - n)**2, n, lambda k: [1, 0, s**2][k])
    a**2 + sigma**2
    """
    poly = sp.Poly(sp.expand(expr), variable)
    return sp.expand(sp.Add(*[coeff * moment(k) for (k,), coeff in poly.terms()]))
