namespace Ainur.Testing;
