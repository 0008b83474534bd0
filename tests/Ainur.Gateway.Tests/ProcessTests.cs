namespace Ainur.Gateway.Tests;

/// <summary>Tests that start gateway and silo processes: one at a time, since two cores don't run two clusters well.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessTests
{
    public const string Name = nameof(ProcessTests);
}
