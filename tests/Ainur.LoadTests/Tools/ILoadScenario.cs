namespace Ainur.LoadTests.Tools;

/// <summary>One scenario of a load tool: its setup (accounts, agents) for C workers, then the operation they repeat.</summary>
internal interface ILoadScenario : IAsyncDisposable
{
    string Name { get; }

    string Description { get; }

    /// <summary>Prepares what <paramref name="concurrency"/> workers need and returns the operation worker w repeats.</summary>
    Task<LoadOperation> PrepareAsync(int concurrency);
}
