using Ainur.Testing;

// A new order every run, drawn from xunit's seed (see SeededOrder): no test may depend on another having run first.
[assembly: TestClassOrderer(typeof(SeededOrder))]
[assembly: TestMethodOrderer(typeof(SeededOrder))]
[assembly: TestCaseOrderer(typeof(SeededOrder))]
