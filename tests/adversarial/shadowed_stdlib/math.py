raise RuntimeError('a student math.py must not be imported')
