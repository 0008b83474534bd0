using Xunit.Sdk;
using Xunit.v3;

namespace Ainur.Testing;

/// <summary>
/// Runs test classes, methods and cases in an order drawn from xunit's randomization seed (a new one every run unless
/// given: <c>:SEED</c> as the first argument of a test app, or <c>--seed SEED</c> under <c>dotnet test</c>), so a test
/// that leans on another's leftovers fails sooner or later instead of passing by the alphabet. The order is a keyed
/// hash of each unique id, so one seed gives one order however the runner's threads interleave.
/// </summary>
public sealed class SeededOrder : ITestClassOrderer, ITestMethodOrderer, ITestCaseOrderer
{
    /// <inheritdoc/>
    public IReadOnlyCollection<TTestClass?> OrderTestClasses<TTestClass>(IReadOnlyCollection<TTestClass?> testClasses)
        where TTestClass : notnull, ITestClass =>
        [.. testClasses.OrderBy(c => Key(c?.UniqueID))];

    /// <inheritdoc/>
    public IReadOnlyCollection<TTestMethod?> OrderTestMethods<TTestMethod>(IReadOnlyCollection<TTestMethod?> testMethods)
        where TTestMethod : notnull, ITestMethod =>
        [.. testMethods.OrderBy(m => Key(m?.UniqueID))];

    /// <inheritdoc/>
    public IReadOnlyCollection<TTestCase> OrderTestCases<TTestCase>(IReadOnlyCollection<TTestCase> testCases)
        where TTestCase : notnull, ITestCase =>
        [.. testCases.OrderBy(c => Key(c.UniqueID))];

    /// <summary>FNV-1a over the seed and the id: stable across processes, unlike <see cref="HashCode"/>.</summary>
    private static ulong Key(string? uniqueId)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in $"{Randomizer.Seed}/{uniqueId}")
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
