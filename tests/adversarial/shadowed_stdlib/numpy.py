raise RuntimeError('a student numpy.py must not be imported')
