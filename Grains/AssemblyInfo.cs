namespace Ainur.Grains;
