namespace Ainur.LoadTests.Tools;

/// <summary>
/// A failed operation of a load tool, with the kind its results file counts it under (an HTTP status and problem code,
/// a grain's rejection code, a transaction's outcome): errors are reported by kind, not only as a total.
/// </summary>
internal sealed class LoadFailure(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;

    /// <summary>The kind an exception is counted under: its own for a <see cref="LoadFailure"/>, else its type's name.</summary>
    public static string KindOf(Exception e) => e is LoadFailure failure ? failure.Kind : e.GetType().Name;
}
