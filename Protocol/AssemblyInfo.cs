namespace Ainur.Protocol;
