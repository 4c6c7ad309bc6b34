"""Every public function and class says what it does, with units, and shows an example that runs."""

import doctest
import inspect

import pytest

import kettutor
from kettutor import apps, charts, teach

PUBLIC = [
    *(getattr(kettutor, name) for name in kettutor.__all__),
    *apps.APPS.values(),
    *(getattr(charts, name) for name in dir(charts) if name.endswith("_chart")),
    *(getattr(teach, name) for name in teach.__all__),
]
DOCUMENTED = [o for o in PUBLIC if inspect.isclass(o) or inspect.isfunction(o)]


def name_of(obj) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


@pytest.mark.parametrize("obj", DOCUMENTED, ids=name_of)
def test_public_object_has_a_docstring_with_an_example_that_runs(obj):
    assert inspect.getdoc(obj), f"{name_of(obj)} has no docstring"
    tests = [t for t in doctest.DocTestFinder(recurse=False).find(obj, name_of(obj), globs=vars(inspect.getmodule(obj)).copy()) if t.examples]
    assert tests, f"{name_of(obj)}: add an example (>>> ...) to its docstring"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    assert runner.failures == 0, f"{name_of(obj)}: its example fails"


def _modules():
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(kettutor.__path__, "kettutor."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)


@pytest.mark.parametrize("module", list(_modules()), ids=lambda m: m.__name__)
def test_every_example_in_the_package_runs(module):
    """Module and function docstrings across the package, not only the public API, show examples that work."""
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False, report=False)
    assert result.failed == 0, f"{module.__name__}: {result.failed} failing example(s)"
